import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { NearbyQueryDto } from './dto/nearby-query.dto';
import { LocationSearchService } from './search/location-search.service';
import { toNearbySearch } from './search/search-request';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

/** Internal API, an older path kept for its existing clients: the radius search of GET /api/v1/locations. */
@InternalApi('locations', 'INTERNAL')
@Controller('api/v1/chargers')
export class ChargersController {
  constructor(private readonly search: LocationSearchService) {}

  /**
   * GET /api/v1/chargers/nearby?latitude&longitude&radius_m[&filters][&limit][&cursor][&lang]
   * Same answer as GET /api/v1/locations with latitude, longitude and radius_m. 400 on invalid parameters.
   */
  @Get('nearby')
  @ApiOperation({ summary: 'Chargers near a point (alias of the radius search of GET /api/v1/locations)' })
  @ApiOkResponse({ description: 'SearchPage: { data: SearchResult[], meta: { count, evaluated_at, next_cursor, origin } }' })
  @ApiErrors({ 400: 'message: [problems, each naming its parameter]' })
  @Header('Content-Type', 'application/json; charset=utf-8')
  nearby(@Query() q: NearbyQueryDto): Promise<Buffer> {
    // A SearchPage already rendered as JSON (see LocationSearchService.searchJson): sent as is.
    return this.search.searchJson(toNearbySearch(q, new Date()));
  }
}
