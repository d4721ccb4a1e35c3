import { InitialSchema1764464400000 } from './1764464400000-InitialSchema';
import { SearchAndRoutes1764550800000 } from './1764550800000-SearchAndRoutes';
import { CallLogAndWireDeviations1764637200000 } from './1764637200000-CallLogAndWireDeviations';
import { CredentialsBothWays1765000000000 } from './1765000000000-CredentialsBothWays';
import { LocationFieldsOfEveryVersion1765000100000 } from './1765000100000-LocationFieldsOfEveryVersion';
import { TariffHistory1796003500000 } from './1796003500000-TariffHistory';
import { Cdrs1796100000000 } from './1796100000000-Cdrs';
import { SearchIndexChanges1796200000000 } from './1796200000000-SearchIndexChanges';
import { Sessions1796300000000 } from './1796300000000-Sessions';
import { CdrDeviations1796313000000 } from './1796313000000-CdrDeviations';
import { SyncRunRunningIndex1797100000000 } from './1797100000000-SyncRunRunningIndex';
import { UnsettledCredentials1797100100000 } from './1797100100000-UnsettledCredentials';
import { ModuleModesAndRefusedParties1797200000000 } from './1797200000000-ModuleModesAndRefusedParties';
import { HubClientInfo1797300000000 } from './1797300000000-HubClientInfo';
import { PushedTariffsAndSessions1797500000000 } from './1797500000000-PushedTariffsAndSessions';
import { JobQueue1797600000000 } from './1797600000000-JobQueue';
import { SyncRunPagesReread1797700000000 } from './1797700000000-SyncRunPagesReread';
import { AbsentMarks1797800000000 } from './1797800000000-AbsentMarks';
import { SyncRunWindow1797900000000 } from './1797900000000-SyncRunWindow';
import { ModuleSchedules1798000000000 } from './1798000000000-ModuleSchedules';
import { JobQueueCronQueue1798000000001 } from './1798000000001-JobQueueCronQueue';
import { CpoCircuit1798100000000 } from './1798100000000-CpoCircuit';
import { SyncRunCheckpoint1798200000000 } from './1798200000000-SyncRunCheckpoint';
import { Tokens1798300000000 } from './1798300000000-Tokens';
import { CpoInvoices1798400000000 } from './1798400000000-CpoInvoices';
import { InvoiceReconciliationRecords1798500000000 } from './1798500000000-InvoiceReconciliationRecords';
import { CommandsAndTokenPushes1798700000000 } from './1798700000000-CommandsAndTokenPushes';
import { ConnectionChanges1798800000000 } from './1798800000000-ConnectionChanges';
import { ConnectionTokensChangedAt1799000000000 } from './1799000000000-ConnectionTokensChangedAt';
import { PushesPerHour1799100000000 } from './1799100000000-PushesPerHour';
import { ChargeStory1799200000000 } from './1799200000000-ChargeStory';
import { ServiceJobQueues1799500000000 } from './1799500000000-ServiceJobQueues';
import { InvoiceReconciliationSchedule1799700000000 } from './1799700000000-InvoiceReconciliationSchedule';
import { SearchNoteOncePerTransaction1799900000000 } from './1799900000000-SearchNoteOncePerTransaction';
import { SyncRunHandovers1800000000000 } from './1800000000000-SyncRunHandovers';
import { HubClientInfoSchedule1800000000001 } from './1800000000001-HubClientInfoSchedule';
import { InvoiceReconciliationJobQueues1800100000000 } from './1800100000000-InvoiceReconciliationJobQueues';
import { SearchNoteConnectorByKey1800200000000 } from './1800200000000-SearchNoteConnectorByKey';
import { ReconciliationLookups1800700000000 } from './1800700000000-ReconciliationLookups';

/**
 * Every migration, oldest first. Listed as classes (not a glob) so the same list works compiled (dist/),
 * under jest (TypeScript through SWC) and from the TypeORM CLI.
 */
export const migrations = [
  InitialSchema1764464400000,
  SearchAndRoutes1764550800000,
  CallLogAndWireDeviations1764637200000,
  CredentialsBothWays1765000000000,
  LocationFieldsOfEveryVersion1765000100000,
  TariffHistory1796003500000,
  Cdrs1796100000000,
  SearchIndexChanges1796200000000,
  Sessions1796300000000,
  CdrDeviations1796313000000,
  SyncRunRunningIndex1797100000000,
  UnsettledCredentials1797100100000,
  ModuleModesAndRefusedParties1797200000000,
  HubClientInfo1797300000000,
  PushedTariffsAndSessions1797500000000,
  JobQueue1797600000000,
  SyncRunPagesReread1797700000000,
  AbsentMarks1797800000000,
  SyncRunWindow1797900000000,
  ModuleSchedules1798000000000,
  JobQueueCronQueue1798000000001,
  CpoCircuit1798100000000,
  SyncRunCheckpoint1798200000000,
  Tokens1798300000000,
  CpoInvoices1798400000000,
  InvoiceReconciliationRecords1798500000000,
  CommandsAndTokenPushes1798700000000,
  ConnectionChanges1798800000000,
  ConnectionTokensChangedAt1799000000000,
  PushesPerHour1799100000000,
  ChargeStory1799200000000,
  ServiceJobQueues1799500000000,
  InvoiceReconciliationSchedule1799700000000,
  SearchNoteOncePerTransaction1799900000000,
  SyncRunHandovers1800000000000,
  HubClientInfoSchedule1800000000001,
  InvoiceReconciliationJobQueues1800100000000,
  SearchNoteConnectorByKey1800200000000,
  ReconciliationLookups1800700000000,
];
