import { readOcpiDateTime } from '../ocpi/wire/ocpi-datetime';
import { WireDeviation } from '../ocpi/wire/wire-deviation';

/**
 * Where a pushed object sits, read from the URL of one of our Receiver interfaces (transport_and_format 2.2.1 §Client
 * Owned Object Push: `{endpoint}/{country_code}/{party_id}/{object_id}`; Locations add `[/{evse_uid}][/{connector_id}]`,
 * mod_locations §Receiver Interface, the same in 2.1.1 §3.2 eMSP Interface).
 */
export interface ObjectPath {
  country_code: string;
  party_id: string;
  id: string;
  evse_uid?: string;
  connector_id?: string;
}

/** A PUT (a new or replacing object, or for Locations an EVSE or Connector of one) or a PATCH (the fields that change). */
export interface PushedChange {
  method: 'PUT' | 'PATCH';
  path: ObjectPath;
  /** The request body as parsed; undefined when there was none. */
  body: unknown;
}

/** A change as the intake step reads it: with what the version says of a PATCH's last_updated. */
export interface ChangeToCompose extends PushedChange {
  /** The version requires last_updated in a PATCH (OcpiVersionAdapter.patchRequiresLastUpdated). */
  lastUpdatedRequired: boolean;
  /** When we received it, as an OCPI DateTime: the last_updated of a PATCH that may (2.1.1) and does come without one. */
  receivedAt: string;
}

/**
 * What a module makes of a change against what we hold: the whole object to take in (through the version mapper and
 * the store, like a pulled one), or why not. A closed set, so every receiver answers each case the same way.
 */
export type Composed =
  /** The whole wire object after the change; `deviations`: how the change bent the spec (e.g. a partial list). */
  | { kind: 'WHOLE'; whole: unknown; deviations: WireDeviation[] }
  /** The change is older (last_updated) than what we hold: nothing is applied, and the sender is told so. */
  | { kind: 'STALE'; heldLastUpdated: string }
  /** A PATCH (or an EVSE / Connector PUT) for an object we do not hold: nothing is stored; a GET can heal the gap. */
  | { kind: 'NOT_HELD'; reason: string }
  /** The change cannot be applied as sent (URL and body disagree, a PATCH without last_updated, ...): refused with 2001. */
  | { kind: 'REFUSED'; reason: string };

/** How a module composes a change with the object it holds (null: none held). Pure: never reads or throws. */
export type ComposeChange = (held: unknown, change: ChangeToCompose) => Composed;

/** A JSON object (not an array, not null), as a PUT or PATCH body must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The last_updated of a wire object as an instant (ms), in any DateTime shape the tolerant reading accepts; null when
 * absent or unreadable (the version mapper then names the field).
 */
export function lastUpdatedOf(object: unknown): number | null {
  if (!isJsonObject(object)) return null;
  const read = readOcpiDateTime(object.last_updated);
  return read === null ? null : Date.parse(read);
}

/**
 * Refuses a body whose own identity field disagrees with the URL ("the {object-id} in the URL is different from the id
 * in the object being pushed": 2001, transport_and_format 2.2.1 §Errors). CiString: compared without case. An absent
 * field is left to the version mapper (it names what is missing; 2.1.1 objects carry no country_code / party_id).
 * @returns the reason, or null when they agree.
 */
export function disagreement(body: Record<string, unknown>, expected: Array<[field: string, value: string | undefined]>): string | null {
  for (const [field, value] of expected) {
    const sent = body[field];
    if (value === undefined || sent === undefined || sent === null) continue;
    if (typeof sent !== 'string' || sent.toUpperCase() !== value.toUpperCase()) {
      return `${field} ${JSON.stringify(sent)} in the body differs from ${JSON.stringify(value)} in the URL`;
    }
  }
  return null;
}

/**
 * A PATCH's last_updated: "Any request to the PATCH method SHALL contain the last_updated field" (mod_locations /
 * mod_sessions 2.2.1 §PATCH Method); where the version does not require it (2.1.1), a PATCH without one changed the
 * object when we received it: the body gets that time, so that what we hold moves forward and a later-dated change
 * still wins. @returns the body to compose with, or the reason it is refused.
 */
export function patchWithLastUpdated(body: Record<string, unknown>, change: ChangeToCompose): { body: Record<string, unknown> } | { refused: string } {
  if (body.last_updated === undefined || body.last_updated === null) {
    return change.lastUpdatedRequired ? { refused: 'a PATCH must contain last_updated' } : { body: { ...body, last_updated: change.receivedAt } };
  }
  if (readOcpiDateTime(body.last_updated) === null) return { refused: `last_updated ${JSON.stringify(body.last_updated)} is not a DateTime` };
  return { body };
}
