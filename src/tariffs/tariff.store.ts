import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { clearAbsent, forgetSeen, rememberRejectedAsSeen, rememberSeen } from '../database/listed-in-run';
import { TariffHistoryStore } from './tariff-history.store';
import { IncomingTariff } from './tariff.model';

/** A Tariff's identity (mod_tariffs 2.2.1 §Receiver Interface URL: country_code, party_id, tariff_id). */
export interface TariffKey {
  country_code: string;
  party_id: string;
  id: string;
}

/** What a DELETE of a Tariff did (TariffStore.markDeleted). */
export type TariffDeletion = { kind: 'DELETED' } | { kind: 'ALREADY_DELETED'; deletedAt: string } | { kind: 'NOT_HELD' };

/**
 * Writes canonical Tariffs with their TariffElements and PriceComponents (mod_tariffs 2.2.1 §4.3.1),
 * a batch at a time, idempotently: upsert keyed by (country_code, party_id, id); elements have no identity
 * of their own in OCPI, so a written tariff's elements are replaced as a whole. An object older than the
 * stored one (by last_updated) does not overwrite it, nor is an identical one rewritten. Prices stay decimal strings into `numeric` columns.
 * A deleted Tariff (markDeleted) written again, pushed or pulled, is back in use: the CPO sends it as current.
 * Every batch also goes to the tariff history (TariffHistoryStore): a new version when the content changed, a later
 * last_seen when it did not.
 */
@Injectable()
export class TariffStore {
  /**
   * The raw wire object we hold under `key`, whichever connection holds it, with its row locked for the caller's
   * transaction (a pushed change is composed with it and written back before another change may read it); null if none.
   */
  async heldRaw(m: Pick<EntityManager, 'query'>, key: TariffKey): Promise<unknown> {
    const [row] = await m.query<Array<{ raw: unknown; deleted_at: Date | null }>>(
      `SELECT raw, deleted_at FROM tariff WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 FOR UPDATE`,
      [key.country_code, key.party_id, key.id],
    );
    // A deleted Tariff is not held: a PUT brings it back as new (201), a PATCH of it is a change to an unknown object.
    return row && row.deleted_at === null ? row.raw : null;
  }

  /**
   * The raw wire Tariff connection `connectionId` sent us under `key`, unless deleted (for our Receiver interface's GET).
   * @returns null when we hold none from that connection.
   */
  async rawHeldBy(db: Pick<EntityManager, 'query'>, connectionId: string, key: TariffKey): Promise<unknown> {
    const [row] = await db.query<Array<{ raw: unknown }>>(
      `SELECT raw FROM tariff WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 AND connection_id = $4 AND deleted_at IS NULL`,
      [key.country_code, key.party_id, key.id, connectionId],
    );
    return row ? row.raw : null;
  }

  /**
   * Marks the Tariff `key` that connection `connectionId` sent us deleted at `at` (mod_tariffs 2.2.1 §DELETE Method),
   * inside the caller's transaction: nothing is removed. The row keeps its content with deleted_at set, and the tariff
   * history gets a tombstone version taking effect at `at` (see migration PushedTariffsAndSessions): from then on no
   * version is in force (the price estimate and the list-view price line leave it out), before then the versions
   * stay as they were (CDR re-pricing and a session's cost of charges that started earlier). A PUT brings it back.
   * @returns DELETED; ALREADY_DELETED (nothing changes); NOT_HELD when that connection sent us no such Tariff.
   */
  async markDeleted(m: EntityManager, connectionId: string, key: TariffKey, at = new Date()): Promise<TariffDeletion> {
    const [row] = await m.query<Array<{ id: string; deleted_at: Date | null }>>(
      `SELECT id, deleted_at FROM tariff WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 AND connection_id = $4 FOR UPDATE`,
      [key.country_code, key.party_id, key.id, connectionId],
    );
    if (!row) return { kind: 'NOT_HELD' };
    if (row.deleted_at !== null) return { kind: 'ALREADY_DELETED', deletedAt: new Date(row.deleted_at).toISOString() };
    await m.query(`UPDATE tariff SET deleted_at = $2 WHERE id = $1`, [row.id, at.toISOString()]);
    await this.history.recordDeletion(m, connectionId, key, at);
    return { kind: 'DELETED' };
  }

  /** How many Tariffs we hold from one connection (for operations). */
  async countHeld(db: Pick<EntityManager, 'query'>, connectionId: string): Promise<number> {
    const [row]: Array<{ n: number }> = await db.query(`SELECT count(*)::int AS n FROM tariff WHERE connection_id = $1 AND deleted_at IS NULL`, [connectionId]);
    return row.n;
  }

  /** How many of the Tariffs held from one connection (not deleted) are marked absent (for operations). */
  async countAbsent(db: Pick<EntityManager, 'query'>, connectionId: string): Promise<number> {
    const [row]: Array<{ n: number }> = await db.query(`SELECT count(*)::int AS n FROM tariff WHERE connection_id = $1 AND absent_since IS NOT NULL AND deleted_at IS NULL`, [
      connectionId,
    ]);
    return row.n;
  }

  /**
   * The end of a complete full pull of Tariffs from `connectionId` (run `runId`, begun at `runStartedAt`), inside the
   * caller's transaction: each Tariff that connection holds (not deleted) and the pull did not list is marked absent
   * (absent_since = now; kept). Like a deletion, its tariff history gets a tombstone taking effect now (see
   * markDeleted): no new price estimate or list-view price line uses it, while charges that started before are still
   * priced with the versions then in force (CDR re-pricing). Listed again, pulled or pushed, it loses the mark and its
   * content becomes a new version in force from then (TariffHistoryStore.record: a version after a tombstone).
   * Listed: stored or rejected by the run; a Tariff written since the run began is left alone (as for Locations).
   * @returns how many Tariffs were marked now.
   */
  async markAbsentAfterFullPull(m: EntityManager, connectionId: string, runId: string, runStartedAt: Date): Promise<number> {
    await rememberRejectedAsSeen(m, connectionId, runId, runStartedAt);
    const marked = await m.query<Array<{ country_code: string; party_id: string; ocpi_id: string; absent_since: Date }>>(
      // In a WITH: an UPDATE's own RETURNING comes back from TypeORM as [rows, count], a SELECT as rows.
      `WITH marked AS (UPDATE tariff t SET absent_since = now()
       WHERE t.connection_id = $1 AND t.absent_since IS NULL AND t.deleted_at IS NULL AND t.stored_at < $3::timestamptz
         AND NOT EXISTS (SELECT 1 FROM sync_run_seen s
           WHERE s.run_id = $2 AND s.country_code = t.country_code AND s.party_id = t.party_id AND s.ocpi_id = t.ocpi_id)
       RETURNING t.country_code, t.party_id, t.ocpi_id, t.absent_since) SELECT * FROM marked`,
      [connectionId, runId, runStartedAt.toISOString()],
    );
    for (const t of marked) await this.history.recordDeletion(m, connectionId, { country_code: t.country_code, party_id: t.party_id, id: t.ocpi_id }, new Date(t.absent_since));
    await forgetSeen(m, runId);
    return marked.length;
  }

  private readonly history = new TariffHistoryStore();

  /**
   * Upserts `batch` (at most one object per tariff) inside the caller's transaction `m`.
   * @param seenAt our clock when the batch was received (first_seen / last_seen of the history)
   * @param syncRunId the pull that listed them (its keys are remembered when it is a full pull); a Tariff listed or
   *   sent again loses its absent mark.
   * @returns how many Tariffs were written.
   */
  async upsertMany(m: EntityManager, connectionId: string, ocpiVersion: string, batch: IncomingTariff[], seenAt = new Date(), syncRunId: string | null = null): Promise<number> {
    if (batch.length === 0) return 0;
    const keys = JSON.stringify(batch.map(({ tariff: t }) => ({ country_code: t.country_code, party_id: t.party_id, ocpi_id: t.id })));
    if (syncRunId) await rememberSeen(m, syncRunId, keys);
    await clearAbsent(m, 'tariff', connectionId, keys);
    const rows = batch.map(({ tariff: t, raw }) => ({
      country_code: t.country_code,
      party_id: t.party_id,
      ocpi_id: t.id,
      currency: t.currency,
      type: t.type,
      tariff_alt_text: t.tariff_alt_text,
      tariff_alt_url: t.tariff_alt_url,
      min_price_excl_vat: t.min_price?.before_taxes ?? null,
      min_price_incl_vat: t.min_price?.after_taxes ?? null,
      max_price_excl_vat: t.max_price?.before_taxes ?? null,
      max_price_incl_vat: t.max_price?.after_taxes ?? null,
      tax_included: t.tax_included,
      start_date_time: t.start_date_time,
      end_date_time: t.end_date_time,
      energy_mix: t.energy_mix ?? null,
      last_updated: t.last_updated,
      raw,
    }));
    const written = await m.query<Array<{ id: string; country_code: string; party_id: string; ocpi_id: string }>>(
      `INSERT INTO tariff (connection_id, ocpi_version, country_code, party_id, ocpi_id, currency, type, tariff_alt_text,
         tariff_alt_url, min_price_excl_vat, min_price_incl_vat, max_price_excl_vat, max_price_incl_vat,
         start_date_time, end_date_time, energy_mix, last_updated, raw, stored_at, tax_included)
       SELECT $2, $3, x.country_code, x.party_id, x.ocpi_id, x.currency, x.type, coalesce(x.tariff_alt_text, '[]'),
         x.tariff_alt_url, x.min_price_excl_vat, x.min_price_incl_vat, x.max_price_excl_vat, x.max_price_incl_vat,
         x.start_date_time, x.end_date_time, x.energy_mix, x.last_updated, x.raw, now(), coalesce(x.tax_included, 'NO')
       FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, ocpi_id text, currency text, type text,
         tariff_alt_text jsonb, tariff_alt_url text, min_price_excl_vat numeric, min_price_incl_vat numeric,
         max_price_excl_vat numeric, max_price_incl_vat numeric, start_date_time timestamptz, end_date_time timestamptz,
         energy_mix jsonb, last_updated timestamptz, raw jsonb, tax_included text)
       ON CONFLICT (country_code, party_id, ocpi_id) DO UPDATE SET
         ocpi_version = EXCLUDED.ocpi_version, currency = EXCLUDED.currency, type = EXCLUDED.type,
         tariff_alt_text = EXCLUDED.tariff_alt_text, tariff_alt_url = EXCLUDED.tariff_alt_url,
         min_price_excl_vat = EXCLUDED.min_price_excl_vat, min_price_incl_vat = EXCLUDED.min_price_incl_vat,
         max_price_excl_vat = EXCLUDED.max_price_excl_vat, max_price_incl_vat = EXCLUDED.max_price_incl_vat,
         start_date_time = EXCLUDED.start_date_time, end_date_time = EXCLUDED.end_date_time,
         energy_mix = EXCLUDED.energy_mix, last_updated = EXCLUDED.last_updated, raw = EXCLUDED.raw, stored_at = now(),
         tax_included = EXCLUDED.tax_included, deleted_at = NULL
       WHERE tariff.connection_id = EXCLUDED.connection_id AND (tariff.deleted_at IS NOT NULL
         OR (tariff.last_updated <= EXCLUDED.last_updated AND tariff.raw IS DISTINCT FROM EXCLUDED.raw))
       RETURNING id, country_code, party_id, ocpi_id`,
      [JSON.stringify(rows), connectionId, ocpiVersion],
    );
    await this.replaceElements(m, batch, written);
    await this.history.record(m, connectionId, ocpiVersion, batch, seenAt);
    return written.length;
  }

  private async replaceElements(m: EntityManager, batch: IncomingTariff[], written: Array<{ id: string; country_code: string; party_id: string; ocpi_id: string }>) {
    if (written.length === 0) return;
    const ids = new Map(written.map((w) => [`${w.country_code}|${w.party_id}|${w.ocpi_id}`, w.id]));
    await m.query(`DELETE FROM tariff_element WHERE tariff_id = ANY($1::uuid[])`, [[...ids.values()]]);
    const elements = batch.flatMap(({ tariff: t }) => {
      const tariffId = ids.get(`${t.country_code}|${t.party_id}|${t.id}`);
      if (!tariffId) return [];
      return t.elements.map((e, position) => ({ tariff_id: tariffId, position, restrictions: e.restrictions ?? null, price_components: e.price_components }));
    });
    const inserted = await m.query<Array<{ id: string; tariff_id: string; position: number }>>(
      `INSERT INTO tariff_element (tariff_id, position, restrictions)
       SELECT x.tariff_id, x.position, x.restrictions
       FROM jsonb_to_recordset($1::jsonb) AS x(tariff_id uuid, position integer, restrictions jsonb)
       RETURNING id, tariff_id, position`,
      [JSON.stringify(elements.map(({ price_components: _, ...e }) => e))],
    );
    const elementIds = new Map(inserted.map((r) => [`${r.tariff_id}|${r.position}`, r.id]));
    const components = elements.flatMap((e) =>
      e.price_components.map((pc, position) => ({
        tariff_element_id: elementIds.get(`${e.tariff_id}|${e.position}`),
        position,
        type: pc.type,
        price: pc.price,
        vat: pc.vat,
        step_size: pc.step_size,
      })),
    );
    await m.query(
      `INSERT INTO price_component (tariff_element_id, position, type, price, vat, step_size)
       SELECT x.tariff_element_id, x.position, x.type, x.price, x.vat, x.step_size
       FROM jsonb_to_recordset($1::jsonb) AS x(tariff_element_id uuid, position integer, type text, price numeric, vat numeric, step_size integer)`,
      [JSON.stringify(components)],
    );
  }
}
