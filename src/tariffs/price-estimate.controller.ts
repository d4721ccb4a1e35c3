import { Controller, Get, Param, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalApiKeyGuard } from '../common/auth/api-key.guard';
import { PriceEstimateQueryDto } from './dto/price-estimate-query.dto';
import { ConnectorPriceEstimate, PriceEstimateService } from './price-estimate.service';

/** Internal API for the mobile-app backend: what a charge will cost. */
@ApiTags('prices')
@ApiHeader({ name: 'X-API-Key', description: 'INTERNAL_API_KEY', required: true })
@Controller('api/v1/connectors')
@UseGuards(InternalApiKeyGuard)
export class PriceEstimateController {
  constructor(private readonly prices: PriceEstimateService) {}

  /**
   * GET /api/v1/connectors/{connector_id}/price-estimate?energy_kwh&duration_minutes
   * One estimate per tariff the connector lists: ENERGY / TIME / FLAT components, VAT, totals excl./incl. VAT as
   * decimal strings in major units of the tariff's currency, and the restrictions that were not evaluated
   * (`exact: false` then). 400 on invalid input, 404 for an unknown connector.
   */
  @Get(':connectorId/price-estimate')
  @ApiOperation({ summary: 'Estimate the cost of a charge at one connector' })
  @ApiOkResponse({ description: 'ConnectorPriceEstimate' })
  @ApiNotFoundResponse({ description: 'No such connector' })
  estimate(@Param('connectorId', new ParseUUIDPipe()) connectorId: string, @Query() q: PriceEstimateQueryDto): Promise<ConnectorPriceEstimate> {
    return this.prices.estimate(connectorId, q.energy_kwh, q.duration_minutes);
  }
}
