import { RejectedIdentity } from './rejected-objects';

/**
 * Why the intake refused an object, a closed set: INVALID (the version mapper refused it: a required field missing or
 * malformed), NOT_OWN_PARTY (it names a party that is not one of the sending connection's), CONFLICT (the store
 * refused it, e.g. a different CDR under an id we hold: "CDRs cannot be replaced").
 */
export type RejectionCode = 'INVALID' | 'NOT_OWN_PARTY' | 'CONFLICT';

/**
 * What became of one object, in input order. STORED: held as sent (written, or already identical: `created` says
 * which when the store knows; `rowId` is our row when the store gives one). SUPERSEDED: a later copy of the same
 * object in the same batch was taken instead. REJECTED: filed raw in rejected_object with the reason.
 */
export type ItemOutcome =
  | { kind: 'STORED'; rowId: string | null; created: boolean | null }
  | { kind: 'SUPERSEDED' }
  | { kind: 'REJECTED'; code: RejectionCode; reason: string; identity: RejectedIdentity };

/**
 * What a store reports per accepted object: the outcomes above that only the store can decide; INVALID: what the
 * mapper left for the store to derive from what we hold could not be (e.g. a CDR's evse_uid from its evse_id).
 */
export type StoreOutcome = Exclude<ItemOutcome, { kind: 'REJECTED' }> | { kind: 'CONFLICT'; reason: string } | { kind: 'INVALID'; reason: string };

/** The tally of one batch through the intake step. */
export interface IntakeResult {
  outcomes: ItemOutcome[];
  /** Objects now held as sent (SUPERSEDED copies not counted: duplicates in a batch count once). */
  stored: number;
  rejected: number;
  /** Values the CPO bent and we normalised (counted per kind and field in wire_deviation). */
  deviations: number;
}

/**
 * What became of one pushed PUT or PATCH (IntakeService.takeChange); a refused one is thrown as an OcpiError.
 * STORED: held now (`created`: we held nothing under that id before). STALE: older than what we hold, nothing changed.
 * NOT_HELD: a change to an object we do not hold; nothing stored.
 */
export type ChangeOutcome = { kind: 'STORED'; created: boolean; rowId: string | null } | { kind: 'STALE'; heldLastUpdated: string } | { kind: 'NOT_HELD'; reason: string };
