import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ConnectorPriceEstimate, PriceEstimateService } from '../tariffs/price-estimate.service';
import { PriceEstimateQueryDto } from './dto/price-estimate-query.dto';
import { LocationReader } from './location.reader';
import { SearchIndexService } from './search/index/search-index.service';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

/**
 * Internal API for the mobile-app backend: what a charge will cost. Here, not in tariffs/, because it starts from
 * one of our connectors (this folder's tables) and then prices with the tariffs domain, which imports nothing
 * from locations.
 */
@InternalApi('prices', 'INTERNAL')
@Controller('api/v1/connectors')
export class PriceEstimateController {
  constructor(
    private readonly locations: LocationReader,
    private readonly prices: PriceEstimateService,
    private readonly index: SearchIndexService,
  ) {}

  /**
   * GET /api/v1/connectors/{connector_id}/price-estimate?energy_kwh&duration_minutes[&start][&power_kw]
   * One estimate per tariff the connector lists, in the version in force at `start` (default now), priced by the
   * tariff engine in the Location's time zone: cost per dimension (FLAT, ENERGY, TIME, PARKING_TIME, RESERVATION)
   * before and after taxes, total rounded to the currency's minor unit, min/max price applied, and a breakdown of
   * which TariffElement priced which stretch and why. Decimal strings, major units of the tariff's currency. When a
   * tariff cannot be priced exactly, `total` is null (or `range` gives the bounds) and `not_exact_because` says why.
   * A tariff not in force at `start` (start/end_date_time) is priced for information, `exact: false` with the code
   * TARIFF_NOT_IN_FORCE. Estimates come in the connector's tariff order.
   * 400 on invalid input or a charge the connector cannot deliver (more energy than its maximum power, or `power_kw`,
   * gives in the stay; a `power_kw` above its maximum), naming the figures; 404 for an unknown connector.
   * Answered from the search index's memory (no database read) when it holds the connector and the current version
   * of each listed tariff was already in force at `start`; else from the database (the same answer, byte for byte).
   */
  @Get(':connectorId/price-estimate')
  @ApiOperation({ summary: 'Estimate the cost of a charge at one connector' })
  @ApiOkResponse({ description: 'ConnectorPriceEstimate' })
  @ApiErrors({
    400: 'Invalid query, or a charge the connector cannot deliver (more energy than its maximum power or power_kw gives in the stay, or power_kw above its maximum), naming the figures',
    404: 'No such connector',
  })
  async estimate(@Param('connectorId', new ParseUUIDPipe()) connectorId: string, @Query() q: PriceEstimateQueryDto): Promise<ConnectorPriceEstimate> {
    const charge = { energyKwh: q.energy_kwh, durationMinutes: q.duration_minutes, start: q.start ? new Date(q.start) : new Date(), powerKw: q.power_kw ?? null };
    const fromMemory = await this.index.priceInputs(connectorId, charge.start);
    if (fromMemory) return this.prices.estimateWith(fromMemory.connector, charge, fromMemory.versions);
    const connector = await this.locations.connector(connectorId);
    if (!connector) throw new NotFoundException(`No connector ${connectorId}`);
    return this.prices.estimate(connector, charge);
  }
}
