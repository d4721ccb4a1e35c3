/** The push side of the simulator (a Sender calling an eMSP's Receiver interfaces): client, sequences, load driver. */
export { PushClient, pushClientFor, routingHeaders, type PushAnswer, type PushModule, type PushOptions, type PushParty, type PushRequest, type PushTarget } from './push-client';
export {
  duplicatedUpdates,
  evseStatusChanges,
  foreignParty,
  locationLevels,
  malformedBetweenGood,
  outOfOrderUpdates,
  partialEvsesPatch,
  patchUnknownObjects,
  patchWithoutLastUpdated,
  runningSessionPushes,
  runSequence,
  stepBody,
  tariffChange,
  type ChargingPeriodsForm,
  type ObjectModule,
  type ExpectedObject,
  type PushIntent,
  type PushSequence,
  type PushStep,
  type SentStep,
} from './push-sequences';
export { percentile, runEvseStatusLoad, type EvseRef, type EvseStatusLoadOptions, type EvseStatusLoadReport } from './push-load';
export { objectProblems, type CheckedObject } from './object-checks';
