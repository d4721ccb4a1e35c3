import { Module } from '@nestjs/common';
import { TariffsModule } from '../tariffs/tariffs.module';
import { ChargersController } from './chargers.controller';
import { ConnectorTariffsReader } from './connector-tariffs.reader';
import { LocationDetailService } from './detail/location-detail.service';
import { LocationReader } from './location.reader';
import { LocationStore } from './location.store';
import { LocationsController } from './locations.controller';
import { PriceEstimateController } from './price-estimate.controller';
import { ReadQueries } from './read-queries';
import { LocationSearchService } from './search/location-search.service';
import { SearchIndexService } from './search/index/search-index.service';

/** Locations, EVSEs and Connectors: storage, what other domains read of them, and the search, detail and price estimate of the internal API. */
@Module({
  imports: [TariffsModule],
  providers: [LocationStore, LocationReader, LocationSearchService, LocationDetailService, ConnectorTariffsReader, ReadQueries, SearchIndexService],
  controllers: [ChargersController, LocationsController, PriceEstimateController],
  exports: [LocationStore, LocationReader, SearchIndexService],
})
export class LocationsModule {}
