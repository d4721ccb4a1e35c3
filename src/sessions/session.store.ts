import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CanonicalSession } from './session.model';

/** A whole canonical Session (pulled, or PUT by the CPO) with the raw wire object it came from. */
export interface IncomingSession {
  session: CanonicalSession;
  raw: unknown;
}

/** How one whole Session ended in the store. */
export type SessionStoreOutcome =
  /** New: inserted. */
  | { kind: 'CREATED'; rowId: string }
  /** It replaced the one we held (same or later last_updated, other content), ChargingPeriods included. */
  | { kind: 'UPDATED'; rowId: string }
  /** The same Session as held (compared as read, so another spelling is the same): nothing written. */
  | { kind: 'UNCHANGED'; rowId: string }
  /** Older (last_updated) than the one held: the held one stays. */
  | { kind: 'STALE'; rowId: string; held_last_updated: string }
  /** A later copy of the same Session in the same batch was taken instead. */
  | { kind: 'SUPERSEDED' }
  /** Held through another connection (another route to the same CPO): that one's copy stays. */
  | { kind: 'HELD_ELSEWHERE'; rowId: string; reason: string };

/** A CDR of a session (CDR.session_id, mod_cdrs 2.2.1 §CDR object) as held: what links the two. */
export interface SessionCdrLink {
  country_code: string;
  party_id: string;
  session_id: string;
  /** Our CDR row id. */
  cdr_id: string;
}

/**
 * Writes Sessions (mod_sessions 2.2.1 §Session object), keyed by (country_code, party_id, id), inside the caller's
 * transaction. Every Session arrives whole: pulled, PUT ("SHALL replace the existing object", ChargingPeriods
 * included), or PATCHed, which the intake step composes with the held wire Session into the whole one before it is
 * mapped and stored here (intake/object-changes.ts: fields replaced, ChargingPeriods added). It is upserted: an older
 * one (by last_updated) never overwrites what we hold, the same one again changes nothing (compared as read: md5 of
 * the canonical Session), a row held through another connection is left to it. The raw wire object kept is the whole
 * Session as the CPO's last PUT or pull and its PATCHes since made it. Each applied change (CREATED or UPDATED) also
 * appends a session_event row with that raw Session, in the same statement (the charge's story, src/charge-story).
 */
@Injectable()
export class SessionStore {
  /**
   * The raw wire object we hold under `key`, whichever connection holds it, with its row locked for the caller's
   * transaction (a pushed change is composed with it and written back before another change may read it); null if none.
   */
  async heldRaw(m: Pick<EntityManager, 'query'>, key: { country_code: string; party_id: string; id: string }): Promise<unknown> {
    const [row] = await m.query<Array<{ raw: unknown }>>(`SELECT raw FROM session WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 FOR UPDATE`, [
      key.country_code,
      key.party_id,
      key.id,
    ]);
    return row ? row.raw : null;
  }

  /**
   * The raw wire Session connection `connectionId` sent us under `key` (for our Receiver interface's GET); null when we
   * hold none from that connection.
   */
  async rawHeldBy(db: Pick<EntityManager, 'query'>, connectionId: string, key: { country_code: string; party_id: string; id: string }): Promise<unknown> {
    const [row] = await db.query<Array<{ raw: unknown }>>(`SELECT raw FROM session WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 AND connection_id = $4`, [
      key.country_code,
      key.party_id,
      key.id,
      connectionId,
    ]);
    return row ? row.raw : null;
  }

  /** How many Sessions we hold from one connection (for operations). */
  async countHeld(db: Pick<EntityManager, 'query'>, connectionId: string): Promise<number> {
    const [row]: Array<{ n: number }> = await db.query(`SELECT count(*)::int AS n FROM session WHERE connection_id = $1`, [connectionId]);
    return row.n;
  }

  /**
   * Upserts whole Sessions.
   * @param connectionId the connection they came through
   * @param source PULL (our GET of the CPO's Sender interface) or PUSH (a PUT to our Receiver interface)
   * @returns one outcome per item, in input order. Of two copies of one Session in the batch, the later last_updated
   *   (then the later in the batch) is taken, the other SUPERSEDED.
   */
  async upsertMany(m: EntityManager, connectionId: string, ocpiVersion: string, source: 'PULL' | 'PUSH', batch: IncomingSession[]): Promise<SessionStoreOutcome[]> {
    if (batch.length === 0) return [];
    const latest = new Map<string, number>();
    batch.forEach((item, i) => {
      const seen = latest.get(keyOf(item.session));
      if (seen === undefined || batch[seen].session.last_updated <= item.session.last_updated) latest.set(keyOf(item.session), i);
    });
    const chosen = [...latest.values()];
    const rows = chosen.map((i) => ({ ...columnsOf(batch[i].session), raw: batch[i].raw ?? null, mapped: batch[i].session }));
    // The row and its session_event (the charge's story: one per applied change) in one statement: no extra round trip.
    const written = await m.query<Array<{ id: string; country_code: string; party_id: string; ocpi_id: string; inserted: boolean }>>(
      `WITH w AS (INSERT INTO session (connection_id, ocpi_version, source, country_code, party_id, ocpi_id, status, start_date_time,
         end_date_time, kwh, currency, stated_before_taxes, stated_after_taxes, token_uid, contract_id, location_id, evse_uid,
         connector_id, content_hash, mapped, raw, last_updated)
       SELECT $2, $3, $4, x.country_code, x.party_id, x.ocpi_id, x.status, x.start_date_time, x.end_date_time, x.kwh, x.currency,
         x.stated_before_taxes, x.stated_after_taxes, x.token_uid, x.contract_id, x.location_id, x.evse_uid, x.connector_id,
         md5(x.mapped::text), x.mapped, x.raw, x.last_updated
       FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, ocpi_id text, status text,
         start_date_time timestamptz, end_date_time timestamptz, kwh numeric, currency text, stated_before_taxes numeric,
         stated_after_taxes numeric, token_uid text, contract_id text, location_id text, evse_uid text, connector_id text,
         mapped jsonb, raw jsonb, last_updated timestamptz)
       ON CONFLICT (country_code, party_id, ocpi_id) DO UPDATE SET
         connection_id = EXCLUDED.connection_id, ocpi_version = EXCLUDED.ocpi_version, source = EXCLUDED.source,
         status = EXCLUDED.status, start_date_time = EXCLUDED.start_date_time, end_date_time = EXCLUDED.end_date_time,
         kwh = EXCLUDED.kwh, currency = EXCLUDED.currency, stated_before_taxes = EXCLUDED.stated_before_taxes,
         stated_after_taxes = EXCLUDED.stated_after_taxes, token_uid = EXCLUDED.token_uid, contract_id = EXCLUDED.contract_id,
         location_id = EXCLUDED.location_id, evse_uid = EXCLUDED.evse_uid, connector_id = EXCLUDED.connector_id,
         content_hash = EXCLUDED.content_hash, mapped = EXCLUDED.mapped, raw = EXCLUDED.raw,
         last_updated = EXCLUDED.last_updated, changed_at = now()
       WHERE (session.connection_id = EXCLUDED.connection_id OR session.connection_id IS NULL)
         AND session.last_updated <= EXCLUDED.last_updated AND session.content_hash <> EXCLUDED.content_hash
       RETURNING id, country_code, party_id, ocpi_id, (xmax = 0) AS inserted, status, kwh, last_updated, raw),
       e AS (INSERT INTO session_event (session_row_id, connection_id, source, change, status, kwh, last_updated, raw)
         SELECT w.id, $2, $4, CASE WHEN w.inserted THEN 'CREATED' ELSE 'UPDATED' END, w.status, w.kwh, w.last_updated, w.raw FROM w)
       SELECT id, country_code, party_id, ocpi_id, inserted FROM w`,
      [JSON.stringify(rows), connectionId, ocpiVersion, source],
    );
    const writtenByKey = new Map(written.map((w) => [`${w.country_code}|${w.party_id}|${w.ocpi_id}`, w]));
    const untouched = rows.filter((r) => !writtenByKey.has(`${r.country_code}|${r.party_id}|${r.ocpi_id}`));
    const held = await this.held(m, untouched);
    const outcomeOf = new Map<number, SessionStoreOutcome>();
    for (const i of chosen) {
      const s = batch[i].session;
      const w = writtenByKey.get(keyOf(s));
      if (w) {
        outcomeOf.set(i, { kind: w.inserted ? 'CREATED' : 'UPDATED', rowId: w.id });
        continue;
      }
      const h = held.get(keyOf(s))!;
      outcomeOf.set(i, classify(h, s.last_updated, connectionId, s));
    }
    return batch.map((_, i) => outcomeOf.get(i) ?? { kind: 'SUPERSEDED' });
  }

  /**
   * Links Sessions to their CDRs (a Session keeps the first CDR linked to it: the original, a credit CDR naming the same
   * session comes later). Links to Sessions we do not hold are ignored.
   * @returns how many Sessions were linked.
   */
  async linkCdrs(m: Pick<EntityManager, 'query'>, links: SessionCdrLink[]): Promise<number> {
    if (links.length === 0) return 0;
    const rows = await m.query<Array<{ id: string }>>(
      `WITH u AS (UPDATE session s SET cdr_id = x.cdr_id
         FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, session_id text, cdr_id uuid)
         WHERE s.country_code = x.country_code AND s.party_id = x.party_id AND s.ocpi_id = x.session_id AND s.cdr_id IS NULL
         RETURNING s.id) SELECT id FROM u`,
      [JSON.stringify(links)],
    );
    return rows.length;
  }

  /** The held rows of these keys, to say why an upsert wrote nothing. */
  private async held(m: EntityManager, keys: Array<{ country_code: string; party_id: string; ocpi_id: string }>): Promise<Map<string, HeldRow>> {
    if (keys.length === 0) return new Map();
    const rows = await m.query<Array<HeldRow & { country_code: string; party_id: string; ocpi_id: string }>>(
      `SELECT s.id, s.connection_id, s.last_updated, s.content_hash, s.country_code, s.party_id, s.ocpi_id
       FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, ocpi_id text)
       JOIN session s ON s.country_code = x.country_code AND s.party_id = x.party_id AND s.ocpi_id = x.ocpi_id`,
      [JSON.stringify(keys.map(({ country_code, party_id, ocpi_id }) => ({ country_code, party_id, ocpi_id })))],
    );
    return new Map(rows.map((r) => [`${r.country_code}|${r.party_id}|${r.ocpi_id}`, r]));
  }
}

interface HeldRow {
  id: string;
  connection_id: string | null;
  last_updated: Date;
  content_hash: string;
}

function keyOf(s: { country_code: string; party_id: string; id: string }): string {
  return `${s.country_code}|${s.party_id}|${s.id}`;
}

/** Why an upsert left a held row as it was. */
function classify(h: HeldRow, lastUpdated: string, connectionId: string, s: CanonicalSession): SessionStoreOutcome {
  if (h.connection_id !== null && h.connection_id !== connectionId) return { kind: 'HELD_ELSEWHERE', rowId: h.id, reason: heldElsewhere(s) };
  const held = new Date(h.last_updated);
  if (held.getTime() > Date.parse(lastUpdated)) return { kind: 'STALE', rowId: h.id, held_last_updated: held.toISOString() };
  return { kind: 'UNCHANGED', rowId: h.id };
}

function heldElsewhere(s: { country_code: string; party_id: string; id: string }): string {
  return `Session ${s.country_code}*${s.party_id} ${s.id} is held through another connection (another route to the same CPO); that copy is kept`;
}

/** The columns of a row, from the canonical Session; money and energy stay decimal strings into numeric. */
function columnsOf(s: CanonicalSession) {
  return {
    country_code: s.country_code,
    party_id: s.party_id,
    ocpi_id: s.id,
    status: s.status,
    start_date_time: s.start_date_time,
    end_date_time: s.end_date_time,
    kwh: s.kwh,
    currency: s.currency,
    stated_before_taxes: s.total_cost?.before_taxes ?? null,
    stated_after_taxes: s.total_cost?.after_taxes ?? null,
    token_uid: s.cdr_token?.uid ?? null,
    // 2.1.1 auth_id is Token.auth_id, which 2.1.1 defines as the driver's contract id (mod_tokens 2.1.1 §3.2 Token object).
    contract_id: s.cdr_token?.contract_id ?? s.auth_id,
    location_id: s.location_id,
    evse_uid: s.evse_uid,
    connector_id: s.connector_id,
    last_updated: s.last_updated,
  };
}
