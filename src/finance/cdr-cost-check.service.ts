import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Decimal } from 'decimal.js';
import { DataSource } from 'typeorm';
import { LocationReader } from '../locations/location.reader';
import { timeZoneAt } from '../locations/time-zone-lookup';
import { CdrRecomputation, recomputeCdrCost } from './recompute-cdr-cost';
import { readsLocalTime, tariffsForUnnamedPeriods } from '../tariffs/engine/charging-periods';
import { diffTariffs, TariffDifference } from '../tariffs/tariff-diff';
import { CanonicalTariff } from '../tariffs/tariff.model';
import { TariffReader, TariffVersionAt } from '../tariffs/tariff.reader';
import { CanonicalCdr } from '../cdrs/cdr.model';

/** Which tariffs priced a CDR: its own, the ones its connector listed at the session's start, or none we hold. */
export type PricedWith = 'CDR_TARIFFS' | 'LOCATION_TARIFFS' | 'NONE';

/**
 * How the tariffs a CDR names differ from the ones the Location listed when the session started: we keep both (a CPO
 * may bill with another tariff than it published) and show the difference to finance. Tariffs are paired by id; when exactly one is left unpaired on each side, the
 * two are compared too (the CDR names another tariff than the connector listed).
 */
export interface CdrTariffDifferences {
  /** The versions of the listed tariffs in force at the CDR's start, as we hold them. */
  location_tariffs: Array<{ id: string; version_no: number; valid_from: string; basis: TariffVersionAt['basis'] }>;
  cdr_tariff_ids: string[];
  /** Listed ids we hold no version of at the start. */
  location_tariff_ids_not_held: string[];
  pairs: Array<{ cdr_tariff_id: string; location_tariff_id: string; identical: boolean; differences: TariffDifference[] }>;
  cdr_only: string[];
  location_only: string[];
  /** What the listed tariffs would have cost (computed − stated), when the CDR was priced with its own. */
  cost_with_location_tariffs: { computed: CdrRecomputation['computed']; difference: CdrRecomputation['difference']; exact: boolean; not_exact_because: string[] } | null;
}

/** What the check stores on the CDR row (see migration Cdrs1796100000000). */
export interface CdrCheck {
  priced_with: PricedWith;
  time_zone: string;
  /** COORDINATES_AT_SEA: the coordinates fall in no country (an Etc/GMT zone): probably latitude and longitude swapped. */
  time_zone_source: 'LOCATION' | 'CDR_LOCATION' | 'COORDINATES' | 'COORDINATES_AT_SEA' | 'NONE';
  exact: boolean;
  not_exact_because: string[];
  computed: { before_taxes: string | null; after_taxes: string | null };
  difference: { before_taxes: string | null; after_taxes: string | null };
  recomputation: (CdrRecomputation & { notes: string[] }) | null;
  tariff_differences: CdrTariffDifferences | null;
}

/** Totals of one recompute run. */
export interface RecomputeRun {
  checked: number;
  match: number;
  differ: number;
  not_exact: number;
  /**
   * The last CDR row id checked. A run goes to the end before it answers; when it was cut off (the request timed out,
   * the service stopped) the CDRs up to a row id are stored: pass that as `after` to resume. Null when none.
   */
  last_id: string | null;
  /** True when the run checked every CDR it was asked to; false only when it stopped early (none does today). */
  done: boolean;
}

const BATCH = 200;

/**
 * The finance hook: recomputes a stored CDR's cost with the tariff engine and stores the difference to the CDR's own
 * total_cost (computed − stated, per side). Tariffs: the CDR's own `tariffs` when it carries them (mod_cdrs 2.2.1
 * §CDR object: "as they were at the start of the charging session"); otherwise the tariffs its connector listed
 * (Connector.tariff_ids of our stored Location, else of the CDR's own location snapshot, plus the periods' tariff_id)
 * in the version valid at start_date_time (tariff history). Time zone: our Location's; else the one the CDR's
 * location states (2.1.1); else from its coordinates; else UTC, and the result is marked inexact. Idempotent: a
 * check overwrites only the recompute columns, never the CDR.
 */
@Injectable()
export class CdrCostCheck {
  private readonly logger = new Logger(CdrCostCheck.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tariffs: TariffReader,
    private readonly locations: LocationReader,
  ) {}

  /** Checks the stored CDRs with these row ids (uuid) and stores the results. */
  async checkRows(rowIds: string[]): Promise<RecomputeRun> {
    const run: RecomputeRun = { checked: 0, match: 0, differ: 0, not_exact: 0, last_id: null, done: false };
    for (let i = 0; i < rowIds.length; i += BATCH) {
      const rows: Array<{ id: string; mapped: CanonicalCdr }> = await this.db.query(`SELECT id, mapped FROM cdr WHERE id = ANY($1::uuid[]) ORDER BY id`, [
        rowIds.slice(i, i + BATCH),
      ]);
      await this.checkAndStore(rows, run);
    }
    return { ...run, done: true };
  }

  /**
   * Recomputes every stored CDR (or those of one connection), in batches by row id, e.g. after tariffs arrived late
   * or the engine changed. Runs to the end (done: true). Resumable: `after` continues behind the last row id a cut-off
   * run reported. An unknown connection id recomputes nothing
   */
  async recomputeAll(options: { connectionId?: string | null; after?: string | null } = {}): Promise<RecomputeRun> {
    const run: RecomputeRun = { checked: 0, match: 0, differ: 0, not_exact: 0, last_id: options.after ?? null, done: false };
    for (;;) {
      const rows: Array<{ id: string; mapped: CanonicalCdr }> = await this.db.query(
        `SELECT id, mapped FROM cdr WHERE ($1::uuid IS NULL OR connection_id = $1) AND ($2::uuid IS NULL OR id > $2::uuid)
         ORDER BY id LIMIT ${BATCH}`,
        [options.connectionId ?? null, run.last_id],
      );
      if (rows.length === 0) return { ...run, done: true };
      await this.checkAndStore(rows, run);
    }
  }

  /**
   * Re-checks the CDRs of one connection whose check may be out of date: never checked (the service stopped between
   * storing and pricing them), or priced without a CDR-carried tariff before a tariff version of their party arrived
   * (a tariff that comes after its CDR, or a late history entry). Run after each pull of the connection's tariffs, so
   * such CDRs are fixed without anyone asking; `recomputeAll` stays for a full re-run.
   */
  async recheckStale(connectionId: string): Promise<RecomputeRun> {
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH latest AS (SELECT country_code, party_id, max(first_seen) AS at FROM tariff_version GROUP BY country_code, party_id)
       SELECT c.id FROM cdr c LEFT JOIN latest l ON l.country_code = c.country_code AND l.party_id = c.party_id
       WHERE c.connection_id = $1
         AND (c.recomputed_at IS NULL OR (c.priced_with IS DISTINCT FROM 'CDR_TARIFFS' AND l.at > c.recomputed_at))
       ORDER BY c.id`,
      [connectionId],
    );
    return this.checkRows(rows.map((r) => r.id));
  }

  private async checkAndStore(rows: Array<{ id: string; mapped: CanonicalCdr }>, run: RecomputeRun): Promise<void> {
    const results = [];
    for (const r of rows) {
      const check = await this.check(r.mapped);
      results.push({ id: r.id, check });
      run.checked += 1;
      if (!check.exact) run.not_exact += 1;
      else if (isZero(check.difference.before_taxes) && (check.difference.after_taxes === null || isZero(check.difference.after_taxes))) run.match += 1;
      else run.differ += 1;
      run.last_id = r.id;
    }
    await this.db.query(
      `UPDATE cdr SET computed_before_taxes = x.computed_before_taxes, computed_after_taxes = x.computed_after_taxes,
         difference_before_taxes = x.difference_before_taxes, difference_after_taxes = x.difference_after_taxes,
         exact = x.exact, not_exact_because = ARRAY(SELECT jsonb_array_elements_text(x.not_exact_because)),
         priced_with = x.priced_with, recomputation = x.recomputation, tariff_differences = x.tariff_differences, recomputed_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, computed_before_taxes numeric, computed_after_taxes numeric,
         difference_before_taxes numeric, difference_after_taxes numeric, exact boolean, not_exact_because jsonb,
         priced_with text, recomputation jsonb, tariff_differences jsonb)
       WHERE cdr.id = x.id`,
      [
        JSON.stringify(
          results.map(({ id, check: c }) => ({
            id,
            computed_before_taxes: c.computed.before_taxes,
            computed_after_taxes: c.computed.after_taxes,
            difference_before_taxes: c.difference.before_taxes,
            difference_after_taxes: c.difference.after_taxes,
            exact: c.exact,
            not_exact_because: c.not_exact_because,
            priced_with: c.priced_with,
            recomputation: { ...c.recomputation, time_zone: c.time_zone, time_zone_source: c.time_zone_source },
            tariff_differences: c.tariff_differences,
          })),
        ),
      ],
    );
  }

  /** The check of one CDR (reads our Location and the tariff history; writes nothing). */
  async check(cdr: CanonicalCdr): Promise<CdrCheck> {
    const notes: string[] = [];
    const zone = await this.timeZoneOf(cdr);
    const listed = await this.listedTariffIds(cdr);
    const atStart = await this.tariffs.findValidAt(cdr.country_code, cdr.party_id, listed.ids, new Date(cdr.start_date_time));
    const listedTariffs = atStart.map((v) => v.tariff);
    const notHeld = listed.ids.filter((id) => !atStart.some((v) => v.tariff.id === id));
    const own = cdr.tariffs ?? [];
    const pricedWith: PricedWith = own.length > 0 ? 'CDR_TARIFFS' : listedTariffs.length > 0 ? 'LOCATION_TARIFFS' : 'NONE';
    if (pricedWith === 'LOCATION_TARIFFS') {
      notes.push(`the CDR carries no tariffs: priced with the tariffs its connector listed (${listed.source}), in the versions in force at ${cdr.start_date_time}`);
      if (notHeld.length > 0) notes.push(`listed tariffs we hold no version of at the start: ${notHeld.join(', ')}`);
    }
    const base = { priced_with: pricedWith, time_zone: zone.zone, time_zone_source: zone.source };
    if (pricedWith === 'NONE') {
      const why =
        listed.ids.length === 0
          ? 'the CDR carries no tariffs and its connector lists none we know of'
          : `the CDR carries no tariffs and we hold none of the tariffs its connector lists (${listed.ids.join(', ')}) in a version in force at ${cdr.start_date_time}`;
      return {
        ...base,
        exact: false,
        not_exact_because: [why],
        computed: { before_taxes: null, after_taxes: null },
        difference: { before_taxes: null, after_taxes: null },
        recomputation: null,
        tariff_differences: null,
      };
    }
    const priced = this.price(cdr, pricedWith === 'CDR_TARIFFS' ? own : tariffsForUnnamedPeriods(cdr.charging_periods, listedTariffs, notes), zone);
    const differences = own.length > 0 && (listedTariffs.length > 0 || notHeld.length > 0) ? this.differences(cdr, own, atStart, notHeld, zone) : null;
    // Written out rather than spread: an object spread and then extended cost V8 several µs a CDR (issue 17).
    const r = priced.result;
    const recomputation: CdrCheck['recomputation'] = r
      ? {
          cdr: r.cdr,
          currency: r.currency,
          exact: r.exact,
          not_exact_because: r.not_exact_because,
          computed: r.computed,
          stated: r.stated,
          difference: r.difference,
          per_tariff: r.per_tariff,
          notes: [...notes, ...r.notes],
        }
      : null;
    return {
      priced_with: pricedWith,
      time_zone: zone.zone,
      time_zone_source: zone.source,
      exact: priced.exact,
      not_exact_because: priced.reasons,
      computed: { before_taxes: priced.result?.computed.before_taxes ?? null, after_taxes: priced.result?.computed.after_taxes ?? null },
      difference: priced.result?.difference ?? { before_taxes: null, after_taxes: null },
      recomputation,
      tariff_differences: differences,
    };
  }

  /** recomputeCdrCost, with an unreadable CDR or an unknown time zone said as reasons rather than thrown. */
  private price(
    cdr: CanonicalCdr,
    tariffs: CanonicalTariff[],
    zone: { zone: string; source: CdrCheck['time_zone_source'] },
  ): { result: CdrRecomputation | null; exact: boolean; reasons: string[] } {
    try {
      const result = cdr.credit ? creditRecomputation(cdr, tariffs, zone.zone) : recomputeCdrCost(cdr, tariffs, zone.zone);
      const reasons = [...result.not_exact_because];
      if (zone.source === 'NONE')
        reasons.push("the Location's time zone is unknown (no stored Location, no time zone or coordinates in the CDR): tariff restrictions were evaluated in UTC");
      if (zone.source === 'COORDINATES_AT_SEA' && readsLocalTime(tariffs)) {
        const { latitude, longitude } = cdr.cdr_location.coordinates;
        reasons.push(
          `the CDR's coordinates (${latitude}, ${longitude}) lie at sea, in no country's time zone (${zone.zone}): latitude and longitude may be swapped; tariff restrictions were evaluated in ${zone.zone}`,
        );
      }
      return { result, exact: reasons.length === 0, reasons };
    } catch (error) {
      this.logger.warn({ cdr: `${cdr.country_code}*${cdr.party_id} ${cdr.id}` }, `CDR could not be priced: ${(error as Error).message}`);
      return { result: null, exact: false, reasons: [`could not be priced: ${(error as Error).message}`] };
    }
  }

  private differences(
    cdr: CanonicalCdr,
    own: CanonicalTariff[],
    atStart: TariffVersionAt[],
    notHeld: string[],
    zone: { zone: string; source: CdrCheck['time_zone_source'] },
  ): CdrTariffDifferences {
    const listed = atStart.map((v) => v.tariff);
    const pairs: CdrTariffDifferences['pairs'] = [];
    const cdrOnly = own.filter((t) => !listed.some((l) => l.id === t.id));
    const locationOnly = listed.filter((l) => !own.some((t) => t.id === l.id));
    for (const t of own) {
      const l = listed.find((x) => x.id === t.id);
      if (l) pairs.push(pair(t, l));
    }
    if (cdrOnly.length === 1 && locationOnly.length === 1) pairs.push(pair(cdrOnly[0], locationOnly[0]));
    let withListed: CdrTariffDifferences['cost_with_location_tariffs'] = null;
    if (listed.length > 0) {
      // Periods name the CDR's tariff ids; priced with the listed ones, a lone listed tariff prices them all.
      const renamed = { ...cdr, charging_periods: listed.length === 1 ? cdr.charging_periods.map((p) => ({ ...p, tariff_id: null })) : cdr.charging_periods };
      const p = this.price(renamed, listed, zone);
      if (p.result) withListed = { computed: p.result.computed, difference: p.result.difference, exact: p.exact, not_exact_because: p.reasons };
    }
    return {
      location_tariffs: atStart.map((v) => ({ id: v.tariff.id, version_no: v.version_no, valid_from: v.valid_from, basis: v.basis })),
      cdr_tariff_ids: own.map((t) => t.id),
      location_tariff_ids_not_held: notHeld,
      pairs,
      cdr_only: cdrOnly.map((t) => t.id),
      location_only: locationOnly.map((t) => t.id),
      cost_with_location_tariffs: withListed,
    };
  }

  /** The tariff ids the CDR's connector listed: our stored Connector's, else the CDR snapshot's; plus the periods'. */
  private async listedTariffIds(cdr: CanonicalCdr): Promise<{ ids: string[]; source: string }> {
    const loc = cdr.cdr_location;
    const stored = await this.locations.listedTariffIds({
      countryCode: cdr.country_code,
      partyId: cdr.party_id,
      locationId: loc.id,
      evseUid: loc.evse_uid,
      connectorId: loc.connector_id,
    });
    const periods = cdr.charging_periods.map((p) => p.tariff_id).filter((id): id is string => !!id);
    const [connector, source] = stored !== null ? [stored, 'our stored Connector'] : [loc.tariff_ids, "the CDR's location"];
    return { ids: [...new Set([...connector, ...periods])], source: periods.length > 0 ? `${source} and the charging periods` : source };
  }

  private async timeZoneOf(cdr: CanonicalCdr): Promise<{ zone: string; source: CdrCheck['time_zone_source'] }> {
    const stored = await this.locations.timeZone(cdr.country_code, cdr.party_id, cdr.cdr_location.id);
    if (stored !== null) return { zone: stored, source: 'LOCATION' };
    if (cdr.cdr_location.time_zone) return { zone: cdr.cdr_location.time_zone, source: 'CDR_LOCATION' };
    const [lat, lon] = [Number(cdr.cdr_location.coordinates.latitude), Number(cdr.cdr_location.coordinates.longitude)];
    const found = Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? timeZoneAt(lat, lon) : null;
    if (!found) return { zone: 'UTC', source: 'NONE' };
    return { zone: found, source: found.startsWith('Etc/') ? 'COORDINATES_AT_SEA' : 'COORDINATES' };
  }
}

function pair(cdrTariff: CanonicalTariff, listed: CanonicalTariff) {
  const differences = diffTariffs(cdrTariff, listed);
  return { cdr_tariff_id: cdrTariff.id, location_tariff_id: listed.id, identical: differences.length === 0, differences };
}

/**
 * A credit CDR (mod_cdrs 2.2.1 §Credit CDRs) "will contain all the data of the original CDR. Only the values in the
 * total_cost field SHALL contain the negative amounts": priced as the original, then negated, and compared so.
 */
function creditRecomputation(cdr: CanonicalCdr, tariffs: CanonicalTariff[], zone: string): CdrRecomputation {
  // Same decimal places; zero stays "0.00", never "-0.00".
  const negate = (v: string | null) => (v === null ? null : new Decimal(v).isZero() ? v : new Decimal(v).negated().toFixed(new Decimal(v).decimalPlaces()));
  const original = recomputeCdrCost(
    { ...cdr, total_cost: { ...cdr.total_cost, before_taxes: negate(cdr.total_cost.before_taxes)!, after_taxes: negate(cdr.total_cost.after_taxes) } },
    tariffs,
    zone,
  );
  return {
    ...original,
    computed: {
      before_taxes: negate(original.computed.before_taxes),
      after_taxes: negate(original.computed.after_taxes),
      taxes: original.computed.taxes?.map((t) => ({ ...t, amount: negate(t.amount)! })) ?? null,
    },
    stated: { before_taxes: negate(original.stated.before_taxes)!, after_taxes: negate(original.stated.after_taxes) },
    difference: { before_taxes: negate(original.difference.before_taxes), after_taxes: negate(original.difference.after_taxes) },
    notes: [...original.notes, `a credit CDR (it credits ${cdr.credit_reference_id}): priced as the original, then negated, as its total_cost is`],
  };
}

function isZero(v: string | null): boolean {
  return v !== null && new Decimal(v).isZero();
}
