import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CanonicalCdr, EVSE_UID_TO_DERIVE } from './cdr.model';

/** One way the CDR bent the spec that we tolerated (e.g. kind PRICE_AS_NUMBER, field total_cost), how often, an example. */
export interface CdrDeviation {
  kind: string;
  field: string;
  example?: string;
  count: number;
}

/** A canonical CDR with the raw wire object it came from and what it bent of the spec (empty: none). */
export interface IncomingCdr {
  cdr: CanonicalCdr;
  raw: unknown;
  deviations: CdrDeviation[];
}

/** How one incoming CDR ended: a new row, the same CDR we already hold, or a different CDR under a held id. */
export type CdrStoreOutcome =
  | { kind: 'INSERTED'; rowId: string; item: IncomingCdr }
  | { kind: 'IDENTICAL'; rowId: string; item: IncomingCdr }
  | { kind: 'CONFLICT'; rowId: string; item: IncomingCdr; reason: string }
  /** Refused before any write: what the CPO left out cannot be derived without guessing (the reason says why). */
  | { kind: 'UNDERIVABLE'; item: IncomingCdr; reason: string };

/**
 * Writes CDRs (mod_cdrs 2.2.1 §CDR object), a batch per statement. A CDR is immutable ("CDRs cannot be replaced",
 * §Receiver interface; corrections come as credit CDRs): a new id is inserted; the same id (per country_code /
 * party_id) with the same content is idempotent; the same id with other content is a CONFLICT that the caller files as
 * rejected — the stored row is never touched. "The same content" is compared on what we read, the canonical CDR
 * (md5 of its jsonb): key order, a number sent as a string or a DateTime with milliseconds do not make another CDR,
 * since a CPO retrying after a timeout may serialise differently (the first copy's deviations are the ones kept).
 */
@Injectable()
export class CdrStore {
  /** How many CDRs we hold from one connection (for operations). */
  async countHeld(db: Pick<EntityManager, 'query'>, connectionId: string): Promise<number> {
    const [row]: Array<{ n: number }> = await db.query(`SELECT count(*)::int AS n FROM cdr WHERE connection_id = $1`, [connectionId]);
    return row.n;
  }

  /** The CDR with our row id `rowId` as it was received, when it came through `connectionId`; null otherwise. */
  async findRaw(m: Pick<EntityManager, 'query'>, rowId: string, connectionId: string): Promise<{ raw: unknown } | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(rowId)) return null;
    const rows: Array<{ raw: unknown }> = await m.query(`SELECT raw FROM cdr WHERE id = $1 AND connection_id = $2`, [rowId, connectionId]);
    return rows[0] ?? null;
  }

  /**
   * The CDRs we hold of these sessions (CDR.session_id, mod_cdrs 2.2.1 §CDR object; 2.1.1 CDRs name none): per session
   * the original CDR (not a credit CDR, which names the same session), the first received.
   */
  async ofSessions(
    m: Pick<EntityManager, 'query'>,
    sessions: Array<{ country_code: string; party_id: string; session_id: string }>,
  ): Promise<Array<{ country_code: string; party_id: string; session_id: string; cdr_id: string }>> {
    if (sessions.length === 0) return [];
    return m.query(
      `SELECT DISTINCT ON (c.country_code, c.party_id, c.mapped->>'session_id') c.country_code, c.party_id, c.mapped->>'session_id' AS session_id, c.id AS cdr_id
       FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, session_id text)
       JOIN cdr c ON c.country_code = x.country_code AND c.party_id = x.party_id AND c.mapped->>'session_id' = x.session_id
       WHERE NOT c.credit
       ORDER BY c.country_code, c.party_id, c.mapped->>'session_id', c.received_at, c.id`,
      [JSON.stringify(sessions)],
    );
  }

  /**
   * Stores `batch` inside the caller's transaction `m`.
   * @param connectionId the connection it came through (null: none)
   * @param source PULL (our GET of the CPO's Sender interface) or PUSH (the CPO's POST to our Receiver interface)
   * @returns one outcome per item, in input order.
   */
  async insertMany(m: EntityManager, connectionId: string | null, ocpiVersion: string, source: 'PULL' | 'PUSH', all: IncomingCdr[]): Promise<CdrStoreOutcome[]> {
    const derived = await this.deriveEvseUids(m, all);
    const batch = derived.flatMap((d) => ('item' in d ? [d.item] : []));
    const stored = await this.insertDerived(m, connectionId, ocpiVersion, source, batch);
    let next = 0;
    return derived.map((d, i): CdrStoreOutcome => ('item' in d ? stored[next++] : { kind: 'UNDERIVABLE', item: all[i], reason: d.refused }));
  }

  /**
   * The evse_uid of CDRs sent without one (EVSE_UID_TO_DERIVE, deviation EVSE_UID_FROM_EVSE_ID): the uid of the one EVSE
   * of the Location we hold (same country_code, party_id and Location id) whose evse_id is the CDR's. EVSE IDs are
   * compared without their optional '*' separators and case (eMI3 / ISO 15118 write them either way). No Location held,
   * no such EVSE or several: refused, naming which. Every other CDR passes unchanged.
   */
  private async deriveEvseUids(m: Pick<EntityManager, 'query'>, batch: IncomingCdr[]): Promise<Array<{ item: IncomingCdr } | { refused: string }>> {
    const pending = batch.flatMap((b, i) => (b.cdr.cdr_location.evse_uid === EVSE_UID_TO_DERIVE ? [i] : []));
    if (pending.length === 0) return batch.map((item) => ({ item }));
    const found: Array<{ i: number; location_held: boolean; uids: string[] }> = await m.query(
      `SELECT x.i, bool_or(l.id IS NOT NULL) AS location_held, coalesce(array_agg(e.uid ORDER BY e.uid) FILTER (WHERE e.uid IS NOT NULL), '{}') AS uids
       FROM jsonb_to_recordset($1::jsonb) AS x(i integer, country_code text, party_id text, location_id text, evse_id text)
       LEFT JOIN location l ON l.country_code = x.country_code AND l.party_id = x.party_id AND l.ocpi_id = x.location_id
       LEFT JOIN evse e ON e.location_id = l.id AND upper(replace(e.evse_id, '*', '')) = upper(replace(x.evse_id, '*', ''))
       GROUP BY x.i`,
      [
        JSON.stringify(
          pending.map((i) => {
            const c = batch[i].cdr;
            return { i, country_code: c.country_code, party_id: c.party_id, location_id: c.cdr_location.id, evse_id: c.cdr_location.evse_id };
          }),
        ),
      ],
    );
    const byIndex = new Map(found.map((f) => [f.i, f]));
    return batch.map((item, i) => {
      const f = byIndex.get(i);
      if (!f) return { item };
      const l = item.cdr.cdr_location;
      const what = `cdr_location.evse_uid: is missing and cannot be derived from evse_id ${l.evse_id}`;
      if (!f.location_held) return { refused: `${what}: we hold no Location ${l.id} of ${item.cdr.country_code}*${item.cdr.party_id}` };
      if (f.uids.length === 0) return { refused: `${what}: no EVSE of Location ${l.id} has that evse_id` };
      if (f.uids.length > 1) return { refused: `${what}: ${f.uids.length} EVSEs of Location ${l.id} have that evse_id (uids ${f.uids.join(', ')})` };
      const cdr = { ...item.cdr, cdr_location: { ...l, evse_uid: f.uids[0] } };
      return { item: { ...item, cdr } };
    });
  }

  private async insertDerived(m: EntityManager, connectionId: string | null, ocpiVersion: string, source: 'PULL' | 'PUSH', batch: IncomingCdr[]): Promise<CdrStoreOutcome[]> {
    if (batch.length === 0) return [];
    const key = (c: CanonicalCdr) => `${c.country_code}|${c.party_id}|${c.id}`;
    // The first of a key in the batch is the candidate row; later ones are compared with whatever is stored then.
    const firstIndex = new Map<string, number>();
    batch.forEach((b, i) => firstIndex.has(key(b.cdr)) || firstIndex.set(key(b.cdr), i));
    const rows = [...firstIndex.values()].map((i) => row(batch[i]));
    const inserted = await m.query<Array<{ id: string; country_code: string; party_id: string; ocpi_id: string }>>(
      `INSERT INTO cdr (connection_id, ocpi_version, source, country_code, party_id, ocpi_id, content_hash, raw, mapped,
         start_date_time, end_date_time, location_id, evse_uid, connector_id, currency, stated_before_taxes, stated_after_taxes,
         total_energy, credit, last_updated, deviations, received_at)
       SELECT $2, $3, $4, x.country_code, x.party_id, x.ocpi_id, md5(x.mapped::text), x.raw, x.mapped,
         x.start_date_time, x.end_date_time, x.location_id, x.evse_uid, x.connector_id, x.currency, x.stated_before_taxes,
         x.stated_after_taxes, x.total_energy, x.credit, x.last_updated, x.deviations, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, ocpi_id text, raw jsonb, mapped jsonb,
         start_date_time timestamptz, end_date_time timestamptz, location_id text, evse_uid text, connector_id text,
         currency text, stated_before_taxes numeric, stated_after_taxes numeric, total_energy numeric, credit boolean,
         last_updated timestamptz, deviations jsonb)
       ON CONFLICT (country_code, party_id, ocpi_id) DO NOTHING
       RETURNING id, country_code, party_id, ocpi_id`,
      [JSON.stringify(rows), connectionId, ocpiVersion, source],
    );
    const insertedByKey = new Map(inserted.map((r) => [`${r.country_code}|${r.party_id}|${r.ocpi_id}`, r.id]));
    const compared = await m.query<Array<{ i: number; id: string; same: boolean; received_at: Date }>>(
      `SELECT x.i, c.id, c.content_hash = md5(x.mapped::text) AS same, c.received_at
       FROM jsonb_to_recordset($1::jsonb) AS x(i integer, country_code text, party_id text, ocpi_id text, mapped jsonb)
       JOIN cdr c ON c.country_code = x.country_code AND c.party_id = x.party_id AND c.ocpi_id = x.ocpi_id`,
      [JSON.stringify(batch.map((b, i) => ({ i, country_code: b.cdr.country_code, party_id: b.cdr.party_id, ocpi_id: b.cdr.id, mapped: b.cdr })))],
    );
    const byIndex = new Map(compared.map((r) => [r.i, r]));
    return batch.map((item, i): CdrStoreOutcome => {
      const k = key(item.cdr);
      const rowId = insertedByKey.get(k);
      if (rowId && firstIndex.get(k) === i) return { kind: 'INSERTED', rowId, item };
      const held = byIndex.get(i)!;
      if (held.same) return { kind: 'IDENTICAL', rowId: held.id, item };
      return {
        kind: 'CONFLICT',
        rowId: held.id,
        item,
        reason:
          `CDR ${item.cdr.country_code}*${item.cdr.party_id} ${item.cdr.id} was already received on ${new Date(held.received_at).toISOString()} with other content; ` +
          'a CDR cannot be replaced (mod_cdrs §Receiver interface: corrections come as credit CDRs), the stored one is kept',
      };
    });
  }
}

/** The row's columns, from the canonical CDR; money and energy stay decimal strings into numeric. */
function row({ cdr: c, raw, deviations }: IncomingCdr) {
  return {
    country_code: c.country_code,
    party_id: c.party_id,
    ocpi_id: c.id,
    raw: raw ?? null,
    mapped: c,
    start_date_time: c.start_date_time,
    end_date_time: c.end_date_time,
    location_id: c.cdr_location.id,
    evse_uid: c.cdr_location.evse_uid,
    connector_id: c.cdr_location.connector_id,
    currency: c.currency,
    stated_before_taxes: c.total_cost.before_taxes,
    stated_after_taxes: c.total_cost.after_taxes,
    total_energy: c.total_energy,
    credit: c.credit,
    last_updated: c.last_updated,
    deviations,
  };
}
