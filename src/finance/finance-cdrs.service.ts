import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionsService } from '../connections/connections.service';
import { Dec, minorUnits } from '../tariffs/engine/money';
import { CdrDeviation } from '../cdrs/cdr.store';
import { CostDimension } from '../tariffs/engine/charge-cost.model';
import { CostByDimension, costByDimension } from './cost-by-dimension';

/** One stored CDR in the finance list: what the CPO stated, what we computed, the difference (ours − theirs). */
export interface FinanceCdrLine {
  id: string;
  connection_id: string | null;
  /** The CPO connection's name (as registered); null when the connection was deleted. */
  connection_name: string | null;
  country_code: string;
  party_id: string;
  cdr_id: string;
  ocpi_version: string;
  source: 'PULL' | 'PUSH';
  start_date_time: string;
  end_date_time: string;
  location_id: string;
  evse_uid: string;
  connector_id: string;
  currency: string;
  total_energy_kwh: string;
  credit: boolean;
  stated: { before_taxes: string; after_taxes: string | null };
  computed: { before_taxes: string | null; after_taxes: string | null };
  difference: { before_taxes: string | null; after_taxes: string | null };
  exact: boolean | null;
  not_exact_because: string[];
  /** Dimensions (FLAT, ENERGY, TIME, PARKING_TIME, RESERVATION) whose cost differs from the CPO's; null when not computed. */
  differing_dimensions: CostDimension[] | null;
  /** False when the CPO's own dimension costs do not add up to its total_cost; null when it states none. */
  stated_parts_add_up: boolean | null;
  priced_with: 'CDR_TARIFFS' | 'LOCATION_TARIFFS' | 'NONE' | null;
  /** True when the CDR arrived bending the spec in a way we tolerated (the detail's `deviations` say how). */
  off_spec: boolean;
  received_at: string;
  recomputed_at: string | null;
}

/** Per connection and currency: how many CDRs match, differ, cannot be priced exactly; the differences summed. */
export interface FinanceSummaryLine {
  connection_id: string | null;
  connection_name: string | null;
  currency: string;
  stored: number;
  match: number;
  differ: number;
  not_exact: number;
  not_computed: number;
  /** Summed over the exactly priced CDRs; after_taxes null when none of them states it (2.1.1). */
  sum_difference: { before_taxes: string; after_taxes: string | null };
}

/**
 * What the per-dimension comparison needs: the CPO's costs from the mapped CDR and, when it was priced, the engine's
 * costs per dimension of each tariff (from the stored recomputation, without its breakdown).
 */
const DIMENSION_COLUMNS = `jsonb_build_object('credit', c.mapped->'credit', 'total_cost', c.mapped->'total_cost', 'total_fixed_cost', c.mapped->'total_fixed_cost',
    'total_energy_cost', c.mapped->'total_energy_cost', 'total_time_cost', c.mapped->'total_time_cost', 'total_parking_cost', c.mapped->'total_parking_cost',
    'total_reservation_cost', c.mapped->'total_reservation_cost') AS stated_costs,
  CASE WHEN jsonb_typeof(c.recomputation->'per_tariff') = 'array' THEN coalesce((SELECT jsonb_agg(jsonb_build_object('costs', t->'cost'->'costs',
    'min_price_applied', t->'cost'->'min_price_applied', 'max_price_applied', t->'cost'->'max_price_applied'))
    FROM jsonb_array_elements(c.recomputation->'per_tariff') t), '[]'::jsonb) END AS computed_costs`;

const LIST_COLUMNS = `c.id, c.connection_id, c.country_code, c.party_id, c.ocpi_id, c.ocpi_version, c.source, c.start_date_time,
  c.end_date_time, c.location_id, c.evse_uid, c.connector_id, c.currency, c.total_energy::text AS total_energy, c.credit,
  c.stated_before_taxes::text AS stated_before_taxes, c.stated_after_taxes::text AS stated_after_taxes,
  c.computed_before_taxes::text AS computed_before_taxes, c.computed_after_taxes::text AS computed_after_taxes,
  c.difference_before_taxes::text AS difference_before_taxes, c.difference_after_taxes::text AS difference_after_taxes,
  c.exact, c.not_exact_because, c.priced_with, jsonb_array_length(c.deviations) > 0 AS off_spec, c.received_at, c.recomputed_at, ${DIMENSION_COLUMNS}`;

/** A row as LIST_COLUMNS reads it: numerics as decimal strings (never through a JS number), times as Date. */
interface CdrListRow {
  id: string;
  connection_id: string | null;
  country_code: string;
  party_id: string;
  ocpi_id: string;
  ocpi_version: string;
  source: 'PULL' | 'PUSH';
  start_date_time: Date | string;
  end_date_time: Date | string;
  location_id: string;
  evse_uid: string;
  connector_id: string;
  currency: string;
  total_energy: string;
  credit: boolean;
  stated_before_taxes: string;
  stated_after_taxes: string | null;
  computed_before_taxes: string | null;
  computed_after_taxes: string | null;
  difference_before_taxes: string | null;
  difference_after_taxes: string | null;
  exact: boolean | null;
  not_exact_because: string[] | null;
  priced_with: FinanceCdrLine['priced_with'];
  off_spec: boolean;
  received_at: Date | string;
  recomputed_at: Date | string | null;
  stated_costs: Parameters<typeof costByDimension>[0] & { credit?: boolean };
  computed_costs: Parameters<typeof costByDimension>[1];
}

/** A row of the summary query (sums as decimal strings). */
interface SummaryRow {
  connection_id: string | null;
  currency: string;
  stored: number;
  match: number;
  differ: number;
  not_exact: number;
  not_computed: number;
  sum_before: string;
  sum_after: string | null;
  exact_count: number;
}

/** Finance reads the cdr table only; the CPO's name on each line comes from the connections domain. */
const FROM = `cdr c`;

/** A difference on either side, not exactly priceable, or never computed. */
const DISCREPANCY = `(c.recomputed_at IS NULL OR c.exact IS NOT TRUE OR coalesce(c.difference_before_taxes, 0) <> 0 OR coalesce(c.difference_after_taxes, 0) <> 0)`;

/** Reads stored CDRs and their recomputed cost for the finance API (no writes). */
@Injectable()
export class FinanceCdrsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connections: ConnectionsService,
  ) {}

  /** Each row with `connection_name`: its CPO's name (null for a CDR whose connection was deleted). */
  private async named<T extends { connection_id: string | null }>(rows: T[]): Promise<Array<T & { connection_name: string | null }>> {
    const names = await this.connections.namesOf([...new Set(rows.flatMap((r) => (r.connection_id ? [r.connection_id] : [])))]);
    return rows.map((r) => ({ ...r, connection_name: (r.connection_id && names.get(r.connection_id)) || null }));
  }

  /**
   * CDRs newest session first (start_date_time, then id), keyset-paged. `cdrId`: the OCPI id, case-insensitive
   * (CiString); `parties`: "NL*ABC", any of. `discrepancy` true: only differing, inexact or not computed; false: only
   * exact matches. @throws BadRequestException for `from` after `to`, or a cursor that is not ours.
   */
  async list(q: {
    connectionId?: string;
    cdrId?: string;
    parties?: string[];
    from?: string;
    to?: string;
    discrepancy?: boolean;
    limit?: number;
    cursor?: string;
  }): Promise<{ data: FinanceCdrLine[]; meta: { next_cursor: string | null } }> {
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw new BadRequestException(`from (${q.from}) must not be after to (${q.to})`);
    const limit = q.limit ?? 50;
    const after = q.cursor ? readCursor(q.cursor) : null;
    const where = [
      '($1::uuid IS NULL OR c.connection_id = $1)',
      '($2::timestamptz IS NULL OR c.start_date_time >= $2)',
      '($3::timestamptz IS NULL OR c.start_date_time < $3)',
      '($4::timestamptz IS NULL OR (c.start_date_time, c.id) < ($4::timestamptz, $5::uuid))',
      '($6::text IS NULL OR upper(c.ocpi_id) = upper($6))',
      "($7::text[] IS NULL OR c.country_code || '*' || c.party_id = ANY($7::text[]))",
    ];
    if (q.discrepancy === true) where.push(DISCREPANCY);
    if (q.discrepancy === false) where.push(`NOT ${DISCREPANCY}`);
    const rows: CdrListRow[] = await this.db.query(
      `SELECT ${LIST_COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY c.start_date_time DESC, c.id DESC LIMIT ${limit + 1}`,
      [
        q.connectionId ?? null,
        q.from ?? null,
        q.to ?? null,
        after?.start ?? null,
        after?.id ?? null,
        q.cdrId ?? null,
        q.parties?.length ? q.parties.map((p) => p.toUpperCase()) : null,
      ],
    );
    const page = (await this.named(rows.slice(0, limit))).map(toLine);
    const last = page[page.length - 1];
    return { data: page, meta: { next_cursor: rows.length > limit && last ? writeCursor(last.start_date_time, last.id) : null } };
  }

  /**
   * One CDR with the CDR as mapped and as sent, the breakdown, the tariff differences, cost_by_dimension (per
   * dimension stated / computed / difference, the CPO's dimension costs summed against its total_cost, notes) and
   * `deviations`: how it bent the spec in ways we tolerated, per kind and field with a count and an example (e.g.
   * { kind: 'PRICE_AS_NUMBER', field: 'total_cost', example: '4', count: 1 }); [] for a spec-perfect CDR.
   * @throws NotFoundException
   */
  async detail(
    id: string,
  ): Promise<FinanceCdrLine & { cost_by_dimension: CostByDimension; deviations: CdrDeviation[]; cdr: unknown; raw: unknown; recomputation: unknown; tariff_differences: unknown }> {
    const rows: Array<CdrListRow & { deviations: CdrDeviation[]; mapped: unknown; raw: unknown; recomputation: unknown; tariff_differences: unknown }> = await this.db.query(
      `SELECT ${LIST_COLUMNS}, c.deviations, c.mapped, c.raw, c.recomputation, c.tariff_differences FROM ${FROM} WHERE c.id = $1`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundException(`No CDR with id ${id}`);
    const [r] = await this.named(rows);
    return {
      ...toLine(r),
      cost_by_dimension: dimensionsOf(r),
      deviations: r.deviations,
      cdr: r.mapped,
      raw: r.raw,
      recomputation: r.recomputation,
      tariff_differences: r.tariff_differences,
    };
  }

  /** Counts and summed differences per connection and currency. */
  async summary(connectionId?: string): Promise<FinanceSummaryLine[]> {
    const rows: SummaryRow[] = await this.db.query(
      `SELECT c.connection_id, c.currency, count(*)::int AS stored,
         count(*) FILTER (WHERE NOT ${DISCREPANCY})::int AS match,
         count(*) FILTER (WHERE c.exact AND (coalesce(c.difference_before_taxes, 0) <> 0 OR coalesce(c.difference_after_taxes, 0) <> 0))::int AS differ,
         count(*) FILTER (WHERE c.exact IS FALSE)::int AS not_exact,
         count(*) FILTER (WHERE c.recomputed_at IS NULL)::int AS not_computed,
         coalesce(sum(c.difference_before_taxes) FILTER (WHERE c.exact), 0)::text AS sum_before,
         (sum(c.difference_after_taxes) FILTER (WHERE c.exact))::text AS sum_after,
         count(*) FILTER (WHERE c.exact)::int AS exact_count
       FROM ${FROM} WHERE ($1::uuid IS NULL OR c.connection_id = $1)
       GROUP BY c.connection_id, c.currency ORDER BY c.connection_id, c.currency`,
      [connectionId ?? null],
    );
    return (await this.named(rows)).map((r) => ({
      connection_id: r.connection_id,
      connection_name: r.connection_name,
      currency: r.currency,
      stored: r.stored,
      match: r.match,
      differ: r.differ,
      not_exact: r.not_exact,
      not_computed: r.not_computed,
      // After taxes: null when no exactly priced CDR tells it (2.1.1 never states VAT); else the sum of those that do.
      sum_difference: {
        before_taxes: new Dec(r.sum_before).toFixed(minorUnits(r.currency)),
        after_taxes: r.sum_after === null ? (r.exact_count === 0 ? '0.00' : null) : new Dec(r.sum_after).toFixed(minorUnits(r.currency)),
      },
    }));
  }
}

/** Money is shown with the currency's minor units ("4.00", as the CDR's total is rounded to them). */
function toLine(r: CdrListRow & { connection_name: string | null }): FinanceCdrLine {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  const minor = minorUnits(r.currency);
  const money = (v: string | null) => (v === null ? null : new Dec(v).toFixed(minor));
  const byDimension = dimensionsOf(r);
  return {
    id: r.id,
    connection_id: r.connection_id,
    connection_name: r.connection_name,
    country_code: r.country_code,
    party_id: r.party_id,
    cdr_id: r.ocpi_id,
    ocpi_version: r.ocpi_version,
    source: r.source,
    start_date_time: iso(r.start_date_time)!,
    end_date_time: iso(r.end_date_time)!,
    location_id: r.location_id,
    evse_uid: r.evse_uid,
    connector_id: r.connector_id,
    currency: r.currency,
    total_energy_kwh: r.total_energy,
    credit: r.credit,
    stated: { before_taxes: money(r.stated_before_taxes)!, after_taxes: money(r.stated_after_taxes) },
    computed: { before_taxes: money(r.computed_before_taxes), after_taxes: money(r.computed_after_taxes) },
    difference: { before_taxes: money(r.difference_before_taxes), after_taxes: money(r.difference_after_taxes) },
    exact: r.exact,
    not_exact_because: r.not_exact_because ?? [],
    differing_dimensions: byDimension.differing_dimensions,
    stated_parts_add_up: byDimension.stated_parts_sum?.adds_up ?? null,
    priced_with: r.priced_with,
    off_spec: r.off_spec,
    received_at: iso(r.received_at)!,
    recomputed_at: iso(r.recomputed_at),
  };
}

/** The per-dimension comparison of a row read with DIMENSION_COLUMNS. */
function dimensionsOf(r: CdrListRow): CostByDimension {
  const s = r.stated_costs;
  return costByDimension({ ...s, currency: r.currency, credit: s.credit === true }, r.computed_costs);
}

/** Opaque keyset cursor: the last line's start and id. */
function writeCursor(start: string, id: string): string {
  return Buffer.from(JSON.stringify([start, id])).toString('base64url');
}

function readCursor(cursor: string): { start: string; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const [start, id] = Array.isArray(parsed) ? (parsed as unknown[]) : [];
    if (typeof start === 'string' && !Number.isNaN(Date.parse(start)) && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) return { start, id };
  } catch {
    // falls through
  }
  throw new BadRequestException('cursor: not a cursor this API gave out (pass meta.next_cursor back unchanged)');
}
