import { AuthObservationEntity, ConnectionModuleModeEntity, ConnectionPartyEntity, CpoCircuitEntity, CpoConnectionEntity } from './connections/cpo-connection.entity';
import { HubClientInfoEntity } from './hubs/hub-client-info.entity';
import { RejectedObjectEntity } from './intake/rejected-object.entity';
import { SyncRunEntity } from './sync/sync-run.entity';

/** Every TypeORM entity (the bulk tables Location / EVSE / Connector / Tariff / CDR are written with SQL). */
export const ENTITIES = [
  CpoConnectionEntity,
  ConnectionPartyEntity,
  AuthObservationEntity,
  ConnectionModuleModeEntity,
  CpoCircuitEntity,
  SyncRunEntity,
  RejectedObjectEntity,
  HubClientInfoEntity,
];
