import { Module } from '@nestjs/common';
import { PriceEstimateService } from './price-estimate.service';
import { TariffReader } from './tariff.reader';
import { TariffStore } from './tariff.store';

/** Tariffs: storage, history and the price estimate (its endpoint is in LocationsModule: it starts from a connector). */
@Module({
  providers: [TariffStore, TariffReader, PriceEstimateService],
  exports: [TariffStore, TariffReader, PriceEstimateService],
})
export class TariffsModule {}
