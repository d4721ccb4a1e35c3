import { Module } from '@nestjs/common';
import { ChargerSearchService } from './charger-search.service';
import { ChargersController } from './chargers.controller';
import { LocationStore } from './location.store';

/** Locations, EVSEs and Connectors: storage and the chargers search of the internal API. */
@Module({ providers: [LocationStore, ChargerSearchService], controllers: [ChargersController], exports: [LocationStore] })
export class LocationsModule {}
