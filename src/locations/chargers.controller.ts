import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { InternalApiKeyGuard } from '../common/auth/api-key.guard';
import { ChargerResult, ChargerSearchService } from './charger-search.service';
import { NearbyQueryDto } from './dto/nearby-query.dto';

/** Internal API for the mobile-app backend: where chargers are and which are free now. */
@ApiTags('chargers')
@ApiHeader({ name: 'X-API-Key', description: 'INTERNAL_API_KEY', required: true })
@ApiUnauthorizedResponse({ description: 'Missing or wrong X-API-Key' })
@Controller('api/v1/chargers')
@UseGuards(InternalApiKeyGuard)
export class ChargersController {
  constructor(private readonly search: ChargerSearchService) {}

  /**
   * GET /api/v1/chargers/nearby?latitude&longitude&radius_m[&available_now][&limit]
   * Locations within radius_m metres, nearest first, each with its CPO, opening state (in the Location's time
   * zone), EVSEs with status and connectors (standard, power_type, max power in kW). 400 on invalid parameters.
   */
  @Get('nearby')
  @ApiOperation({ summary: 'Chargers near a point, optionally only those free now' })
  @ApiOkResponse({ description: '{ data: ChargerResult[], meta: { count, evaluated_at } }' })
  async nearby(@Query() q: NearbyQueryDto): Promise<{ data: ChargerResult[]; meta: { count: number; evaluated_at: string } }> {
    const at = new Date();
    const data = await this.search.nearby({
      latitude: q.latitude, longitude: q.longitude, radiusM: q.radius_m, availableNow: q.available_now, limit: q.limit, at,
    });
    return { data, meta: { count: data.length, evaluated_at: at.toISOString() } };
  }
}
