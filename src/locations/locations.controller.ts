import { Controller, Get, Header, Headers, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LocationDetailService } from './detail/location-detail.service';
import { ifNoneMatchHits, strongEtag } from './detail/etag';
import { LocationDetailQueryDto } from './dto/location-detail-query.dto';
import { LocationSearchQueryDto } from './dto/location-search-query.dto';
import { LocationSearchService } from './search/location-search.service';
import { toLocationSearch } from './search/search-request';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

/** Internal API for the mobile-app backend: find Locations (list and map views) and show one. */
@InternalApi('locations', 'INTERNAL')
@Controller('api/v1/locations')
export class LocationsController {
  constructor(
    private readonly search: LocationSearchService,
    private readonly details: LocationDetailService,
  ) {}

  /**
   * GET /api/v1/locations?latitude&longitude&radius_m | ?bbox=west,south,east,north [&filters][&limit][&cursor][&lang]
   * Locations nearest first (to the centre, or in a box to latitude/longitude or the box centre), each with its CPO,
   * opening state in its own time zone, distance (m), EVSEs (free now or why not, status age in seconds) and
   * connectors (standard, power type, max power in kW, a "from … per kWh + … start" price line). Paginated by an
   * opaque keyset cursor (meta.next_cursor). 400 naming each invalid parameter.
   */
  @Get()
  @ApiOperation({ summary: 'Search Locations by radius or bounding box, with filters, nearest first, paginated' })
  @ApiOkResponse({ description: 'SearchPage: { data: SearchResult[], meta: { count, evaluated_at, next_cursor, origin } }' })
  @ApiErrors({
    400: 'message: [problems, each naming its parameter]: both or neither of a radius and a bbox, a value out of range, an unknown enum value, a foreign cursor, an unknown parameter',
  })
  @Header('Content-Type', 'application/json; charset=utf-8')
  find(@Query() q: LocationSearchQueryDto): Promise<Buffer> {
    // A SearchPage already rendered as JSON (see LocationSearchService.searchJson): sent as is, not serialised again.
    return this.search.searchJson(toLocationSearch(q, new Date()));
  }

  /**
   * GET /api/v1/locations/{id}[?lang] — everything the app shows for one Location (see LocationDetailService), with
   * a strong ETag over the body; If-None-Match with a matching tag answers 304 without a body.
   * 400 for an id that is not a uuid, 404 for an unknown, unpublished or expired Location.
   */
  @Get(':id')
  @ApiOperation({ summary: 'One Location with EVSEs, connectors, tariffs (display text in ?lang), directions, facilities, images, energy mix' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy you hold: 304 when unchanged' })
  @ApiOkResponse({ description: 'LocationDetail, with ETag and Cache-Control: private, no-cache' })
  @ApiResponse({ status: 304, description: 'Not modified: the ETag in If-None-Match is current' })
  @ApiErrors({ 400: 'id is not a uuid, or a malformed lang', 404: 'No such published Location, or all its EVSEs are REMOVED' })
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: LocationDetailQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const body = JSON.stringify(await this.details.detail(id, q.lang, new Date()));
    const etag = strongEtag(body);
    reply.header('ETag', etag).header('Cache-Control', 'private, no-cache');
    if (ifNoneMatchHits(ifNoneMatch, etag)) {
      await reply.status(304).send();
      return;
    }
    await reply.status(200).type('application/json; charset=utf-8').send(body);
  }
}
