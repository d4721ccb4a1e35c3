import { Module } from '@nestjs/common';
import { ChargersController } from './chargers.controller';
import { ConnectorTariffsReader } from './connector-tariffs.reader';
import { LocationDetailService } from './detail/location-detail.service';
import { LocationStore } from './location.store';
import { LocationsController } from './locations.controller';
import { ReadQueries } from './read-queries';
import { LocationSearchService } from './search/location-search.service';
import { SearchIndexService } from './search/index/search-index.service';

/** Locations, EVSEs and Connectors: storage, and the search and detail of the internal API. */
@Module({
  providers: [LocationStore, LocationSearchService, LocationDetailService, ConnectorTariffsReader, ReadQueries, SearchIndexService],
  controllers: [ChargersController, LocationsController],
  exports: [LocationStore, SearchIndexService],
})
export class LocationsModule {}
