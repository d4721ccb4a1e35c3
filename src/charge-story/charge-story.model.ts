/**
 * A charge's whole story (issue 18), as the operations API answers it and a console page renders it: the charge's
 * identifiers, then every event that touched it, ordered by time, each with its raw payload.
 */

/** The keys a story is asked by (exactly one per request). */
export const CHARGE_STORY_KEYS = ['session_id', 'cdr_id', 'token_uid', 'authorization_reference'] as const;
export type ChargeStoryKey = (typeof CHARGE_STORY_KEYS)[number];

/**
 * What happened (closed set), in the order used for events at the same instant:
 * - COMMAND_SENT: we sent a command to the CPO (mod_commands §Receiver Interface POST); raw: the request as stored
 *   (its Token reduced to type and uid).
 * - COMMAND_NOT_SENT: the call failed (no answer, or an OCPI error); raw: { error }.
 * - COMMAND_RESPONSE: the CPO's CommandResponse to that POST; raw: { result, timeout, message }.
 * - COMMAND_RESULT: the CommandResult the CPO posted to our response_url; raw: { result, message }.
 * - COMMAND_TIMEOUT: no result by the deadline (ours); raw: { deadline_at }.
 * - AUTHORIZATION: a real-time authorization we answered (mod_tokens §POST Method); raw: { request: { token_uid,
 *   token_type, location: LocationReferences or null }, answer: { allowed, authorization_reference } }, rebuilt from
 *   the authorization log (which keeps those fields, not the bytes).
 * - SESSION_UPDATE: one change of the Session we applied (pulled or pushed); raw: the whole wire Session after it.
 * - CDR_RECEIVED: the CDR (pulled or pushed); raw: the wire CDR.
 * - CDR_PRICED: our latest re-pricing of the CDR (only the latest is kept); raw: our cost, the difference to the
 *   stated one, whether exact and why not, the tariffs used and the breakdown.
 * - INVOICE_LINE: a line of an imported CPO invoice (the current one of its number) naming the charge's CDR, session
 *   or authorization reference; raw: the CSV line as read (header → cell).
 */
export const STORY_EVENT_KINDS = [
  'COMMAND_SENT',
  'COMMAND_NOT_SENT',
  'COMMAND_RESPONSE',
  'COMMAND_RESULT',
  'COMMAND_TIMEOUT',
  'AUTHORIZATION',
  'SESSION_UPDATE',
  'CDR_RECEIVED',
  'CDR_PRICED',
  'INVOICE_LINE',
] as const;
export type StoryEventKind = (typeof STORY_EVENT_KINDS)[number];

/**
 * Where the event's payload came from: PULLED (we GET it from the CPO, or it answered our call), PUSHED (the CPO sent
 * it to our Receiver interface or response_url), OURS (we decided or sent it), IMPORTED (a file finance imported).
 */
export type StoryEventSource = 'PULLED' | 'PUSHED' | 'OURS' | 'IMPORTED';

/** One event of the story. */
export interface StoryEvent {
  /** When it happened on our clock (received, sent, answered, imported), ISO-8601 UTC. */
  at: string;
  kind: StoryEventKind;
  source: StoryEventSource;
  /** What happened, in plain words. */
  summary: string;
  /** Which stored record it comes from: command id, token_authorization id, session_event id, CDR row id, invoice id and line number. */
  record: { table: 'command' | 'token_authorization' | 'session_event' | 'session' | 'cdr' | 'invoice_line'; id: string };
  /** The payload as described per kind (see STORY_EVENT_KINDS). */
  raw: unknown;
}

/** What identifies a charge. Every list may be empty; ids are the CPO's (OCPI) unless named row ids. */
export interface ChargeIdentifiers {
  connection_id: string | null;
  /** The connection's name (the CPO). */
  cpo: string | null;
  country_code: string | null;
  party_id: string | null;
  /** The Session's id (OCPI); null when we hold no Session of the charge. */
  session_id: string | null;
  /** Our Session row id. */
  session_row_id: string | null;
  /** The Session's current status (ACTIVE, COMPLETED, …); null without a Session. */
  status: string | null;
  /** The Session's (else the CDR's) start, ISO-8601 UTC. */
  start_date_time: string | null;
  /** The CDRs' ids (OCPI): the original and any credit CDR. */
  cdr_ids: string[];
  token_uid: string | null;
  authorization_references: string[];
  /** Our command ids (the last segment of the response_url). */
  command_ids: string[];
}

/** One charge among several a key matched: its identifiers and the request that tells its story. */
export interface ChargeListed extends ChargeIdentifiers {
  /** GET this for its story; null when no key names this charge alone. */
  href: string | null;
}

/** A whole story. */
export interface ChargeStory {
  charge: ChargeIdentifiers;
  /** Ordered by `at`, then by kind (STORY_EVENT_KINDS order). */
  events: StoryEvent[];
  /** Session updates left out of `events` (the oldest beyond MAX_SESSION_UPDATES); 0 normally. */
  session_updates_omitted: number;
}

/** The answer of GET /api/v1/operations/charge-story. */
export interface ChargeStoryAnswer {
  /** What was asked. */
  key: { name: ChargeStoryKey; value: string; connection_id: string | null };
  /** The charges the key matched, most recent first, at most MAX_CHARGES. */
  charges: ChargeListed[];
  /** More charges matched than listed. */
  more: boolean;
  /** The story when the key matched exactly one charge; null when it matched several (follow a charge's href). */
  story: ChargeStory | null;
}
