import { ChangedModuleId } from '../../../intake/intake-modules';
import { ObjectPath } from '../../../intake/pushed-change';

/**
 * What a receiver asks for when a CPO changes an object we do not hold (a PATCH, or an EVSE / Connector PUT for an
 * unknown Location): one fetch of that object from the CPO's Sender interface, as background work, so the gap heals
 * ("In case a PATCH request fails, the client is expected to call the GET method", transport_and_format 2.2.1 §PATCH;
 * we do it for the client). Implemented by the sync domain; a port so that the receivers do not depend on it.
 */
export abstract class GapHealing {
  /** Schedules the fetch (at most one waiting per object); never throws: a failure to schedule is logged, not answered. */
  abstract requestFetch(connectionId: string, module: ChangedModuleId, path: ObjectPath): Promise<void>;
}
