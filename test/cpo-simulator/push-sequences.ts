/**
 * Push sequences: the updates a CPO (or a Hub for it) sends an eMSP's Receiver interfaces in the life of its
 * objects, good and bad, built from the simulator's own objects (generateLocations, runningSession, its tariffs) in a
 * version's wire shape. A sequence is data: its steps (requests for {@link PushClient.send}, each with its intent)
 * and what a receiver that follows the spec holds afterwards (`expected`: the object as its GET would answer it, or
 * null for nothing), so a test pushes it with {@link runSequence} and checks the receiver object by object.
 *
 * Times: every step's last_updated is derived from `at` (epoch ms) and increases step by step unless the step is
 * meant to be older (intent OLDER). Written from the spec only; nothing here imports from src/.
 */
import { isRecord } from './guards';
import { formatOcpiDateTime } from './ocpi-datetime';
import type { RawObject, SimulatorVersionId } from './ocpi-types';
import type { PushAnswer, PushClient, PushModule, PushParty, PushRequest } from './push-client';
import { runningSession, type RunningSessionOptions } from './session-generator';

/**
 * Why a step is in the sequence (a closed set), and so what a receiver should do with it:
 * - NEW / UPDATE: take it (2.2+ PUT: 201 created or 200 updated, transport_and_format 2.2.1 §PUT);
 * - SAME_AGAIN: the previous step once more: changes nothing;
 * - OLDER: a last_updated older than what the receiver holds: never overwrites it;
 * - FOREIGN_PARTY: a party the calling connection does not have (in the URL, and in 2.2+ the body): refused;
 * - PARTY_MISMATCH: URL and body name different parties (2.2+): refused (mod_locations 2.2.1 §PUT: "SHALL be the same");
 * - MALFORMED: invalid object or unreadable JSON: refused naming the field, nothing stored;
 * - NO_LAST_UPDATED: a PATCH without last_updated: refused in 2.2+ ("Any request to the PATCH method SHALL contain the
 *   last_updated field"); 2.1.1 does not require it (its own example, mod_locations 2.1.1 §2.2.3, has none);
 * - UNKNOWN_OBJECT: a PATCH of an object the receiver does not hold: no half-object stored;
 * - DELETE: the object is removed (Tariffs only);
 * - READ: a GET back.
 */
export type PushIntent = 'NEW' | 'UPDATE' | 'SAME_AGAIN' | 'OLDER' | 'FOREIGN_PARTY' | 'PARTY_MISMATCH' | 'MALFORMED' | 'NO_LAST_UPDATED' | 'UNKNOWN_OBJECT' | 'DELETE' | 'READ';

/** One request of a sequence, with why it is there. */
export interface PushStep extends PushRequest {
  intent: PushIntent;
  /** One line for logs and test titles. */
  note: string;
}

/** What a spec-following receiver holds after the sequence, at one object's address. */
export interface ExpectedObject {
  module: PushModule;
  party: PushParty;
  /** [location_id], [tariff_id] or [session_id]. */
  ids: string[];
  /** The whole object as the receiver's GET would answer it, or null when it must hold nothing there. */
  object: RawObject | null;
}

export interface PushSequence {
  /** What the sequence shows, e.g. 'evse-status-changes'. */
  name: string;
  /** The spec section it exercises. */
  section: string;
  steps: PushStep[];
  expected: ExpectedObject[];
}

/** Common inputs: the version, the owner (the CPO's party; 2.1.1 objects carry none), the instant of the first step. */
export interface SequenceBase {
  version: SimulatorVersionId;
  party: PushParty;
  /** Epoch ms of the first step's last_updated. */
  at: number;
}

const MINUTE = 60_000;
const iso = formatOcpiDateTime;

function section(version: SimulatorVersionId, module: 'locations' | 'tariffs' | 'sessions', method: string): string {
  if (version === '2.1.1') return `mod_${module} 2.1.1 §2.2 eMSP Interface (${method})`;
  return `mod_${module} ${version} §Receiver Interface §${method} Method`;
}

/** The location's EVSEs (a copy of the list). */
function evsesOf(location: RawObject): RawObject[] {
  return Array.isArray(location.evses) ? (location.evses as RawObject[]) : [];
}

function connectorsOf(evse: RawObject): RawObject[] {
  return Array.isArray(evse.connectors) ? (evse.connectors as RawObject[]) : [];
}

/** The location owned by `party` (2.2+ objects carry country_code / party_id; 2.1.1 ones none). */
function owned(version: SimulatorVersionId, object: RawObject, party: PushParty): RawObject {
  return version === '2.1.1' ? structuredClone(object) : { ...structuredClone(object), country_code: party.countryCode, party_id: party.partyId };
}

/** The object owned by `party` with last_updated set. */
function stamped(version: SimulatorVersionId, object: RawObject, party: PushParty, lastUpdated: string): RawObject {
  const copy: RawObject = owned(version, object, party);
  copy.last_updated = lastUpdated;
  return copy;
}

function step(module: PushModule, method: PushStep['method'], party: PushParty, ids: string[], intent: PushIntent, note: string, body?: unknown, rawBody?: string): PushStep {
  return { module, method, party, ids, intent, note, ...(body === undefined ? {} : { body }), ...(rawBody === undefined ? {} : { rawBody }) };
}

/** Location with the EVSE `uid` replaced by `change(evse)`, and last_updated of the Location set to `lastUpdated`. */
function withEvse(location: RawObject, uid: string, change: (evse: RawObject) => RawObject, lastUpdated: string): RawObject {
  return { ...location, evses: evsesOf(location).map((e) => (e.uid === uid ? change(e) : e)), last_updated: lastUpdated };
}

export interface EvseStatusOptions extends SequenceBase {
  /** The Location, in the version's shape (it is PUT first with last_updated = at). */
  location: RawObject;
  /** Which EVSE (index). Default 0. */
  evseIndex?: number;
  /** Default AVAILABLE, CHARGING, AVAILABLE. */
  statuses?: string[];
  /** Between status changes. Default 1 minute. */
  stepMs?: number;
}

/**
 * mod_locations §PATCH Method §Example: a simple status update: the Location PUT whole, then one EVSE PATCH
 * `{ status, last_updated }` per status, last_updated one step later each time. Expected: the EVSE in the last status,
 * and the EVSE's and the Location's last_updated the last PATCH's (an EVSE PATCH also sets the Location's).
 */
export function evseStatusChanges(o: EvseStatusOptions): PushSequence {
  const location = stamped(o.version, o.location, o.party, iso(o.at));
  const id = String(location.id);
  const evse = evsesOf(location)[o.evseIndex ?? 0];
  const uid = String(evse.uid);
  const statuses = o.statuses ?? ['AVAILABLE', 'CHARGING', 'AVAILABLE'];
  const stepMs = o.stepMs ?? MINUTE;
  const steps = [step('locations', 'PUT', o.party, [id], 'NEW', `PUT Location ${id}`, location)];
  let state = location;
  statuses.forEach((status, i) => {
    const lastUpdated = iso(o.at + (i + 1) * stepMs);
    steps.push(step('locations', 'PATCH', o.party, [id, uid], 'UPDATE', `PATCH EVSE ${uid} status ${status}`, { status, last_updated: lastUpdated }));
    state = withEvse(state, uid, (e) => ({ ...e, status, last_updated: lastUpdated }), lastUpdated);
  });
  return {
    name: 'evse-status-changes',
    section: section(o.version, 'locations', 'PATCH'),
    steps,
    expected: [{ module: 'locations', party: o.party, ids: [id], object: state }],
  };
}

export interface LocationLevelsOptions extends SequenceBase {
  location: RawObject;
  /** The tariff id the Connector PATCH sets. Default 'TARIFF-NEW'. */
  tariffId?: string;
}

/**
 * mod_locations §PUT Method and §PATCH Method at each level: the Location PUT whole, a new EVSE PUT (§Example: add an
 * EVSE; a copy of the first one under uid `<uid>-NEW`), a new Connector PUT on the first EVSE (id `9`), a Location
 * PATCH of its name (§Example: change the location name), a Connector PATCH of its tariff (§Example: set tariff update:
 * 2.1.1 `tariff_id`, 2.2+ `tariff_ids`), then a GET of each level. Each step one minute later; a PUT or PATCH below the
 * Location also sets the Location's (and a Connector's, the EVSE's) last_updated.
 */
export function locationLevels(o: LocationLevelsOptions): PushSequence {
  const t = (n: number) => iso(o.at + n * MINUTE);
  const location = stamped(o.version, o.location, o.party, t(0));
  const id = String(location.id);
  const first = evsesOf(location)[0];
  const firstUid = String(first.uid);
  const newEvse: RawObject = {
    ...structuredClone(first),
    uid: `${firstUid}-NEW`,
    ...(typeof first.evse_id === 'string' ? { evse_id: `${first.evse_id}9` } : {}),
    status: 'AVAILABLE',
    connectors: connectorsOf(first).map((c) => ({ ...c, last_updated: t(1) })),
    last_updated: t(1),
  };
  const newConnector: RawObject = { ...structuredClone(connectorsOf(first)[0]), id: '9', last_updated: t(2) };
  const name = `${typeof location.name === 'string' ? location.name : 'Location'} (renamed)`;
  const tariffId = o.tariffId ?? 'TARIFF-NEW';
  const tariffPatch = o.version === '2.1.1' ? { tariff_id: tariffId } : { tariff_ids: [tariffId] };
  const connectorId = String(connectorsOf(first)[0].id);

  let state: RawObject = { ...location, evses: [...evsesOf(location), newEvse], last_updated: t(1) };
  state = withEvse(state, firstUid, (e) => ({ ...e, connectors: [...connectorsOf(e), newConnector], last_updated: t(2) }), t(2));
  state = { ...state, name, last_updated: t(3) };
  state = withEvse(
    state,
    firstUid,
    (e) => ({ ...e, connectors: connectorsOf(e).map((c) => (String(c.id) === connectorId ? { ...c, ...tariffPatch, last_updated: t(4) } : c)), last_updated: t(4) }),
    t(4),
  );
  return {
    name: 'location-levels',
    section: section(o.version, 'locations', 'PUT'),
    steps: [
      step('locations', 'PUT', o.party, [id], 'NEW', `PUT Location ${id}`, location),
      step('locations', 'PUT', o.party, [id, String(newEvse.uid)], 'NEW', `PUT EVSE ${String(newEvse.uid)}`, newEvse),
      step('locations', 'PUT', o.party, [id, firstUid, '9'], 'NEW', `PUT Connector 9 of EVSE ${firstUid}`, newConnector),
      step('locations', 'PATCH', o.party, [id], 'UPDATE', `PATCH Location ${id} name`, { name, last_updated: t(3) }),
      step('locations', 'PATCH', o.party, [id, firstUid, connectorId], 'UPDATE', `PATCH Connector ${connectorId} tariff`, { ...tariffPatch, last_updated: t(4) }),
      step('locations', 'GET', o.party, [id], 'READ', `GET Location ${id}`),
      step('locations', 'GET', o.party, [id, firstUid], 'READ', `GET EVSE ${firstUid}`),
      step('locations', 'GET', o.party, [id, firstUid, connectorId], 'READ', `GET Connector ${connectorId}`),
    ],
    expected: [{ module: 'locations', party: o.party, ids: [id], object: state }],
  };
}

/** How a CPO sends charging_periods in a Session PATCH. */
export type ChargingPeriodsForm =
  /** mod_sessions 2.2.1 §PATCH Method: only the new ChargingPeriods, which the receiver adds. */
  | 'ADDITIVE'
  /** Seen in the field: every ChargingPeriod so far, each time. */
  | 'CUMULATIVE';

export interface RunningSessionPushOptions extends Omit<RunningSessionOptions, 'at' | 'countryCode' | 'partyId' | 'version'>, Omit<SequenceBase, 'at'> {
  /** How many PATCHes (one per ChargingPeriod). Default 4. */
  patches?: number;
  /** Default ADDITIVE. */
  form?: ChargingPeriodsForm;
  /** Each PATCH sent twice (the second: SAME_AGAIN; additive periods must not be doubled). */
  repeatPatches?: boolean;
  /** End with a PATCH to COMPLETED (end_date_time, 2.1.1 end_datetime). */
  complete?: boolean;
}

/**
 * mod_sessions §PUT Method then §PATCH Method: a charge as it runs. The Session PUT when it starts (PENDING, no
 * ChargingPeriods), then one PATCH per `periodMinutes` of simulated time with kwh, total_cost, the ChargingPeriods
 * (ADDITIVE: the new one; CUMULATIVE: all so far), the status when it changed, and last_updated; optionally a last
 * PATCH to COMPLETED. Expected: the whole Session as runningSession describes it at the end (every ChargingPeriod
 * once, whichever form), plus the completion.
 */
export function runningSessionPushes(o: RunningSessionPushOptions): PushSequence {
  const minutes = o.periodMinutes ?? 15;
  const n = o.patches ?? 4;
  const at = (i: number) => runningSession({ ...o, countryCode: o.party.countryCode, partyId: o.party.partyId, at: o.start + i * minutes * MINUTE });
  const first = at(0);
  const steps: PushStep[] = [step('sessions', 'PUT', o.party, [o.id], 'NEW', `PUT Session ${o.id} (${String(first.status)})`, first)];
  let previous = first;
  for (let i = 1; i <= n; i++) {
    const now = at(i);
    const periods = now.charging_periods as RawObject[];
    const patch: RawObject = {
      ...(now.status !== previous.status ? { status: now.status } : {}),
      kwh: now.kwh,
      charging_periods: o.form === 'CUMULATIVE' ? periods : periods.slice(-1),
      total_cost: now.total_cost,
      last_updated: now.last_updated,
    };
    steps.push(step('sessions', 'PATCH', o.party, [o.id], 'UPDATE', `PATCH Session ${o.id}: period ${i}, ${String(now.kwh)} kWh`, patch));
    if (o.repeatPatches) steps.push(step('sessions', 'PATCH', o.party, [o.id], 'SAME_AGAIN', `PATCH Session ${o.id}: period ${i} again`, structuredClone(patch)));
    previous = now;
  }
  let state = previous;
  if (o.complete) {
    const end = o.start + n * minutes * MINUTE;
    const endField = o.version === '2.1.1' ? 'end_datetime' : 'end_date_time';
    const patch = { status: 'COMPLETED', [endField]: iso(end), last_updated: iso(end + MINUTE) };
    steps.push(step('sessions', 'PATCH', o.party, [o.id], 'UPDATE', `PATCH Session ${o.id}: COMPLETED`, patch));
    state = { ...state, ...patch };
  }
  return {
    name: `running-session-${(o.form ?? 'ADDITIVE').toLowerCase()}`,
    section: section(o.version, 'sessions', 'PATCH'),
    steps,
    expected: [{ module: 'sessions', party: o.party, ids: [o.id], object: state }],
  };
}

export interface TariffChangeOptions extends SequenceBase {
  /** The Tariff in the version's shape (PUT first, with last_updated = at). */
  tariff: RawObject;
  /** How the new version travels: PUT whole (default), or PATCH of its elements (2.1.1 only has a Tariff PATCH). */
  via?: 'PUT' | 'PATCH';
  /** Then DELETE it (mod_tariffs §DELETE Method). */
  thenDelete?: boolean;
}

/** Every price of the tariff's components raised by 0.05 (the new version of a tariff). */
function raisedPrices(elements: unknown): RawObject[] {
  return (Array.isArray(elements) ? (elements as RawObject[]) : []).map((e) => ({
    ...e,
    price_components: (Array.isArray(e.price_components) ? (e.price_components as RawObject[]) : []).map((pc) => ({
      ...pc,
      // cents as integers, so no float noise reaches the wire
      price: (Math.round(Number(pc.price) * 100) + 5) / 100,
    })),
  }));
}

/**
 * mod_tariffs §PUT Method: a Tariff, then a new version of it an hour later with every price 0.05 higher (PUT whole,
 * or in 2.1.1 PATCH of its elements, mod_tariffs 2.1.1 §2.2.3), then a GET; optionally a DELETE. Expected: the new
 * version (null after the DELETE).
 */
export function tariffChange(o: TariffChangeOptions): PushSequence {
  const v1 = stamped(o.version, o.tariff, o.party, iso(o.at));
  const id = String(v1.id);
  const v2 = { ...v1, elements: raisedPrices(v1.elements), last_updated: iso(o.at + 60 * MINUTE) };
  const second =
    o.via === 'PATCH'
      ? step('tariffs', 'PATCH', o.party, [id], 'UPDATE', `PATCH Tariff ${id} elements`, { elements: v2.elements, last_updated: v2.last_updated })
      : step('tariffs', 'PUT', o.party, [id], 'UPDATE', `PUT Tariff ${id}, new prices`, v2);
  const steps = [step('tariffs', 'PUT', o.party, [id], 'NEW', `PUT Tariff ${id}`, v1), second, step('tariffs', 'GET', o.party, [id], 'READ', `GET Tariff ${id}`)];
  if (o.thenDelete) steps.push(step('tariffs', 'DELETE', o.party, [id], 'DELETE', `DELETE Tariff ${id}`));
  return {
    name: o.via === 'PATCH' ? 'tariff-change-patch' : 'tariff-change',
    section: section(o.version, 'tariffs', o.via ?? 'PUT'),
    steps,
    expected: [{ module: 'tariffs', party: o.party, ids: [id], object: o.thenDelete ? null : v2 }],
  };
}

export interface LocationOptions extends SequenceBase {
  location: RawObject;
}

/**
 * Out of order (transport_and_format: last_updated orders updates): the Location PUT at `at`, its first EVSE PATCHed
 * CHARGING two minutes later, then an older PATCH (AVAILABLE, one minute later than `at`) and an older whole Location
 * (an hour before `at`, another name). Expected: the newest of each: CHARGING, the first name.
 */
export function outOfOrderUpdates(o: LocationOptions): PushSequence {
  const location = stamped(o.version, o.location, o.party, iso(o.at));
  const id = String(location.id);
  const uid = String(evsesOf(location)[0].uid);
  const newer = iso(o.at + 2 * MINUTE);
  const older = iso(o.at + MINUTE);
  const stale = { ...location, name: 'An older name', last_updated: iso(o.at - 60 * MINUTE) };
  return {
    name: 'out-of-order',
    section: section(o.version, 'locations', 'PATCH'),
    steps: [
      step('locations', 'PUT', o.party, [id], 'NEW', `PUT Location ${id}`, location),
      step('locations', 'PATCH', o.party, [id, uid], 'UPDATE', `PATCH EVSE ${uid} CHARGING at ${newer}`, { status: 'CHARGING', last_updated: newer }),
      step('locations', 'PATCH', o.party, [id, uid], 'OLDER', `PATCH EVSE ${uid} AVAILABLE at ${older} (older)`, { status: 'AVAILABLE', last_updated: older }),
      step('locations', 'PUT', o.party, [id], 'OLDER', `PUT Location ${id} of an hour before (older)`, stale),
    ],
    expected: [{ module: 'locations', party: o.party, ids: [id], object: withEvse(location, uid, (e) => ({ ...e, status: 'CHARGING', last_updated: newer }), newer) }],
  };
}

/**
 * Duplicated updates (a retry after a lost answer): the same Location PUT twice, the same EVSE PATCH (CHARGING) twice.
 * Expected: as if each came once.
 */
export function duplicatedUpdates(o: LocationOptions): PushSequence {
  const location = stamped(o.version, o.location, o.party, iso(o.at));
  const id = String(location.id);
  const uid = String(evsesOf(location)[0].uid);
  const later = iso(o.at + MINUTE);
  const patch = { status: 'CHARGING', last_updated: later };
  return {
    name: 'duplicated',
    section: section(o.version, 'locations', 'PUT'),
    steps: [
      step('locations', 'PUT', o.party, [id], 'NEW', `PUT Location ${id}`, location),
      step('locations', 'PUT', o.party, [id], 'SAME_AGAIN', `PUT Location ${id} again`, structuredClone(location)),
      step('locations', 'PATCH', o.party, [id, uid], 'UPDATE', `PATCH EVSE ${uid} CHARGING`, patch),
      step('locations', 'PATCH', o.party, [id, uid], 'SAME_AGAIN', `PATCH EVSE ${uid} CHARGING again`, { ...patch }),
    ],
    expected: [{ module: 'locations', party: o.party, ids: [id], object: withEvse(location, uid, (e) => ({ ...e, ...patch }), later) }],
  };
}

/** The modules whose whole objects a sequence can push: Locations, Tariffs, Sessions. */
export type ObjectModule = 'locations' | 'tariffs' | 'sessions';

const OBJECT_NAME: Record<ObjectModule, string> = { locations: 'Location', tariffs: 'Tariff', sessions: 'Session' };

export interface ForeignPartyOptions extends SequenceBase {
  /** Default 'locations'. */
  module?: ObjectModule;
  /** A Location, Tariff or Session in the version's shape. */
  object: RawObject;
  /** A party the CPO's connection does not have. */
  foreign: PushParty;
}

/** The change a sequence makes to an object of another party after PUTting it: a PATCH, or for Tariffs (no PATCH in 2.2+) a DELETE. */
function foreignChange(o: ForeignPartyOptions, object: RawObject, id: string, other: string): PushStep {
  const lastUpdated = iso(o.at + MINUTE);
  if (o.module === 'tariffs') return step('tariffs', 'DELETE', o.foreign, [id], 'FOREIGN_PARTY', `DELETE Tariff ${id} of ${other}`);
  if (o.module === 'sessions') return step('sessions', 'PATCH', o.foreign, [id], 'FOREIGN_PARTY', `PATCH Session ${id} of ${other}`, { kwh: 1, last_updated: lastUpdated });
  const uid = String(evsesOf(object)[0].uid);
  return step('locations', 'PATCH', o.foreign, [id, uid], 'FOREIGN_PARTY', `PATCH EVSE ${uid} of ${other}`, { status: 'CHARGING', last_updated: lastUpdated });
}

/**
 * Ownership (mod_locations / mod_tariffs / mod_sessions 2.2.1 §PUT Method Request Parameters: the URL's country_code /
 * party_id "SHALL be the same value as" the object's): the object under another party (URL and, 2.2+, body), the same
 * in our URL with the other party in the body (2.2+), a change under the other party (Location: an EVSE PATCH;
 * Session: a PATCH; Tariff: a DELETE); then the object of our own. Expected: nothing held under the other party, ours
 * held.
 */
export function foreignParty(o: ForeignPartyOptions): PushSequence {
  const module = o.module ?? 'locations';
  const mine = stamped(o.version, o.object, o.party, iso(o.at));
  const theirs = owned(o.version, mine, o.foreign);
  const id = String(mine.id);
  const other = `${o.foreign.countryCode}*${o.foreign.partyId}`;
  const name = OBJECT_NAME[module];
  return {
    name: module === 'locations' ? 'foreign-party' : `foreign-party-${module}`,
    section: section(o.version, module, 'PUT'),
    steps: [
      step(module, 'PUT', o.foreign, [id], 'FOREIGN_PARTY', `PUT ${name} ${id} of ${other}`, theirs),
      ...(o.version === '2.1.1' ? [] : [step(module, 'PUT', o.party, [id], 'PARTY_MISMATCH', `PUT ${name} ${id} of ${other} under our URL`, theirs)]),
      foreignChange({ ...o, module }, mine, id, other),
      step(module, 'PUT', o.party, [id], 'NEW', `PUT ${name} ${id} of our own`, mine),
    ],
    expected: [
      { module, party: o.foreign, ids: [id], object: null },
      { module, party: o.party, ids: [id], object: mine },
    ],
  };
}

export interface MalformedOptions extends SequenceBase {
  /** Default 'locations'. */
  module?: ObjectModule;
  /** Three Locations, Tariffs or Sessions in the version's shape (with distinct ids). */
  objects: [RawObject, RawObject, RawObject];
  /**
   * The required field the second one lacks. Default: Location coordinates (which the issue names), Tariff currency,
   * Session start_date_time (2.1.1 start_datetime).
   */
  drop?: string;
}

function defaultDrop(version: SimulatorVersionId, module: ObjectModule): string {
  if (module === 'locations') return 'coordinates';
  if (module === 'tariffs') return 'currency';
  return version === '2.1.1' ? 'start_datetime' : 'start_date_time';
}

/**
 * A malformed object between good ones (bad input: refused naming the field, raw body kept, nothing half-stored): the
 * first object, the second without a required field (§Location object coordinates, §Tariff object currency, §Session
 * object start_date_time: cardinality 1), the second again as unreadable JSON, then the third. Expected: the first
 * and third held, the second not.
 */
export function malformedBetweenGood(o: MalformedOptions): PushSequence {
  const module = o.module ?? 'locations';
  const name = OBJECT_NAME[module];
  const drop = o.drop ?? defaultDrop(o.version, module);
  const [a, b, c] = o.objects.map((x) => stamped(o.version, x, o.party, iso(o.at)));
  const [ida, idb, idc] = [a, b, c].map((x) => String(x.id));
  const lacking = Object.fromEntries(Object.entries(b).filter(([k]) => k !== drop));
  const unreadable = JSON.stringify(b).slice(0, 40);
  return {
    name: module === 'locations' ? 'malformed-between-good' : `malformed-between-good-${module}`,
    section: section(o.version, module, 'PUT'),
    steps: [
      step(module, 'PUT', o.party, [ida], 'NEW', `PUT ${name} ${ida}`, a),
      step(module, 'PUT', o.party, [idb], 'MALFORMED', `PUT ${name} ${idb} without ${drop}`, lacking),
      step(module, 'PUT', o.party, [idb], 'MALFORMED', `PUT ${name} ${idb} as unreadable JSON`, undefined, unreadable),
      step(module, 'PUT', o.party, [idc], 'NEW', `PUT ${name} ${idc}`, c),
    ],
    expected: [
      { module, party: o.party, ids: [ida], object: a },
      { module, party: o.party, ids: [idb], object: null },
      { module, party: o.party, ids: [idc], object: c },
    ],
  };
}

/**
 * A PATCH without last_updated (mod_locations 2.2.1 §PATCH Method: "Any request to the PATCH method SHALL contain the
 * last_updated field"): the Location PUT, then its first EVSE PATCHed `{ status: CHARGING }` alone. Expected in 2.2+:
 * the Location as PUT. 2.1.1 does not require last_updated in a PATCH, so nothing is expected of the receiver there.
 */
export function patchWithoutLastUpdated(o: LocationOptions): PushSequence {
  const location = stamped(o.version, o.location, o.party, iso(o.at));
  const id = String(location.id);
  const uid = String(evsesOf(location)[0].uid);
  return {
    name: 'patch-without-last-updated',
    section: section(o.version, 'locations', 'PATCH'),
    steps: [
      step('locations', 'PUT', o.party, [id], 'NEW', `PUT Location ${id}`, location),
      step('locations', 'PATCH', o.party, [id, uid], 'NO_LAST_UPDATED', `PATCH EVSE ${uid} CHARGING without last_updated`, { status: 'CHARGING' }),
    ],
    expected: o.version === '2.1.1' ? [] : [{ module: 'locations', party: o.party, ids: [id], object: location }],
  };
}

export interface UnknownObjectOptions extends SequenceBase {
  /** Ids the receiver does not hold. Default 'UNKNOWN-LOC' / 'UNKNOWN-EVSE' / 'UNKNOWN-SESSION'. */
  locationId?: string;
  evseUid?: string;
  sessionId?: string;
}

/**
 * PATCHes for objects the receiver does not hold (mod_locations / mod_sessions §PATCH Method): an EVSE of an unknown
 * Location, its Connector, the Location itself, and an unknown Session. Expected: nothing held at either address
 * (and, in this service, one targeted GET of each from the CPO's Sender interface).
 */
export function patchUnknownObjects(o: UnknownObjectOptions): PushSequence {
  const loc = o.locationId ?? 'UNKNOWN-LOC';
  const uid = o.evseUid ?? 'UNKNOWN-EVSE';
  const session = o.sessionId ?? 'UNKNOWN-SESSION';
  const lastUpdated = iso(o.at);
  return {
    name: 'patch-unknown-objects',
    section: section(o.version, 'locations', 'PATCH'),
    steps: [
      step('locations', 'PATCH', o.party, [loc, uid], 'UNKNOWN_OBJECT', `PATCH EVSE ${uid} of unknown Location ${loc}`, { status: 'CHARGING', last_updated: lastUpdated }),
      step('locations', 'PATCH', o.party, [loc, uid, '1'], 'UNKNOWN_OBJECT', `PATCH Connector 1 of unknown EVSE ${uid}`, { max_electric_power: 11000, last_updated: lastUpdated }),
      step('locations', 'PATCH', o.party, [loc], 'UNKNOWN_OBJECT', `PATCH unknown Location ${loc}`, { name: 'Never held', last_updated: lastUpdated }),
      step('sessions', 'PATCH', o.party, [session], 'UNKNOWN_OBJECT', `PATCH unknown Session ${session}`, { kwh: 1, last_updated: lastUpdated }),
    ],
    expected: [
      { module: 'locations', party: o.party, ids: [loc], object: null },
      { module: 'sessions', party: o.party, ids: [session], object: null },
    ],
  };
}

/**
 * A Location PATCH with a partial `evses` list (mod_locations 2.2.1 §PATCH Method leaves open whether a list in a
 * PATCH replaces the held one): the Location PUT, then a PATCH whose `evses` holds only its first EVSE, CHARGING.
 * Expected (the reading that loses nothing): every EVSE kept, the first CHARGING.
 */
export function partialEvsesPatch(o: LocationOptions): PushSequence {
  const location = stamped(o.version, o.location, o.party, iso(o.at));
  const id = String(location.id);
  const first = evsesOf(location)[0];
  const later = iso(o.at + MINUTE);
  const patched = { ...first, status: 'CHARGING', last_updated: later };
  return {
    name: 'partial-evses-patch',
    section: section(o.version, 'locations', 'PATCH'),
    steps: [
      step('locations', 'PUT', o.party, [id], 'NEW', `PUT Location ${id}`, location),
      step('locations', 'PATCH', o.party, [id], 'UPDATE', `PATCH Location ${id} with only EVSE ${String(first.uid)} in evses`, { evses: [patched], last_updated: later }),
    ],
    expected: [{ module: 'locations', party: o.party, ids: [id], object: withEvse(location, String(first.uid), () => patched, later) }],
  };
}

/** One step with its answer. */
export interface SentStep {
  step: PushStep;
  answer: PushAnswer;
}

/** Sends the steps in order (one at a time), with `headers` on each (e.g. a Hub's routing headers); resolves to each step's answer. */
export async function runSequence(client: PushClient, sequence: PushSequence, options: { headers?: Record<string, string> } = {}): Promise<SentStep[]> {
  const sent: SentStep[] = [];
  for (const s of sequence.steps) sent.push({ step: s, answer: await client.send(s, options) });
  return sent;
}

/** An expected object beside the receiver's GET answer at its address. */
export interface ReadBack {
  expected: ExpectedObject;
  answer: PushAnswer;
}

/**
 * GETs every expected object of the sequence back from the receiver (mod_locations / mod_tariffs / mod_sessions
 * §Receiver Interface §GET Method), so a test can compare `answer.data` with `expected.object` (null: the receiver
 * should answer that it holds nothing there).
 */
export async function readBack(client: PushClient, sequence: PushSequence, options: { headers?: Record<string, string> } = {}): Promise<ReadBack[]> {
  const out: ReadBack[] = [];
  for (const expected of sequence.expected) {
    out.push({ expected, answer: await client.send({ module: expected.module, method: 'GET', party: expected.party, ids: expected.ids }, options) });
  }
  return out;
}

/** The body a step sends as an object (undefined for GET, DELETE and raw bodies). */
export function stepBody(s: PushStep): RawObject | undefined {
  return isRecord(s.body) ? s.body : undefined;
}
