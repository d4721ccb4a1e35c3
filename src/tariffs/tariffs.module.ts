import { Module } from '@nestjs/common';
import { PriceEstimateController } from './price-estimate.controller';
import { PriceEstimateService } from './price-estimate.service';
import { TariffReader } from './tariff.reader';
import { TariffStore } from './tariff.store';

/** Tariffs: storage and the price estimate of the internal API. */
@Module({
  providers: [TariffStore, TariffReader, PriceEstimateService],
  controllers: [PriceEstimateController],
  exports: [TariffStore, TariffReader],
})
export class TariffsModule {}
