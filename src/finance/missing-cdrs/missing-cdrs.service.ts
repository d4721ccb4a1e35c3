import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Decimal } from 'decimal.js';
import { stringify } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ReconciliationService } from '../invoices/reconciliation.service';
import { LineResult } from '../invoices/invoice-matching';

/**
 * Why a CDR is listed as one we lack (closed set):
 * - SESSION_WITHOUT_CDR: a COMPLETED Session that ended more than SESSION_CDR_OVERDUE_HOURS ago and has no CDR: the CDR
 *   may be lost; ask the CPO for it.
 * - ZERO_SESSION_WITHOUT_CDR: the same, but the Session delivered no energy and the CPO stated a total_cost of 0 (or
 *   none): nothing to bill, and a CPO may never send a CDR for it; listed apart so it is not chased as lost.
 * - INVOICED_CDR_NOT_HELD: a line of a current (not superseded) invoice matched no CDR we hold (outcome CDR_NOT_HELD).
 */
export type MissingCdrKind = 'SESSION_WITHOUT_CDR' | 'ZERO_SESSION_WITHOUT_CDR' | 'INVOICED_CDR_NOT_HELD';

export const MISSING_CDR_WORDS: Record<MissingCdrKind, string> = {
  SESSION_WITHOUT_CDR: 'a completed session whose CDR never came: ask the CPO for it',
  ZERO_SESSION_WITHOUT_CDR: 'a completed session without energy or cost and without a CDR: nothing to bill, the CPO may never send one',
  INVOICED_CDR_NOT_HELD: 'invoiced, but we hold no such CDR: ask the CPO for it before paying the line',
};

/** One CDR we lack. Session fields are set for the session kinds, invoice fields for INVOICED_CDR_NOT_HELD. */
export interface MissingCdr {
  kind: MissingCdrKind;
  reason: string;
  session_id: string | null;
  /** Ended at (else last updated), ISO-8601 UTC. */
  session_end_date_time: string | null;
  start_date_time: string | null;
  location_id: string | null;
  kwh: string | null;
  currency: string | null;
  /** The Session's stated total_cost (excl. VAT / before taxes), or the line's amount excl. VAT. */
  amount_excl_vat: string | null;
  amount_incl_vat: string | null;
  invoice_id: string | null;
  invoice_number: string | null;
  line_no: number | null;
  cdr_ref: string | null;
}

/** Per CPO: what we lack, counted per kind. */
export interface MissingCdrsOfCpo {
  connection_id: string;
  counts: Record<MissingCdrKind, number>;
  missing: MissingCdr[];
}

interface SessionRow {
  connection_id: string;
  ocpi_id: string;
  start_date_time: Date;
  ended: Date;
  location_id: string;
  kwh: string;
  currency: string;
  before: string | null;
  after: string | null;
}

/**
 * The CDRs finance must chase, per CPO: Sessions completed long enough ago without a CDR (zero sessions apart), and
 * invoice lines without a CDR. Computed on request from what is held now.
 */
@Injectable()
export class MissingCdrsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
    private readonly config: AppConfig,
  ) {}

  /** Hours after its end after which a COMPLETED Session without CDR is listed (SESSION_CDR_OVERDUE_HOURS). */
  get expectedWithinHours(): number {
    return this.config.env.SESSION_CDR_OVERDUE_HOURS;
  }

  /** Every CPO's (or one's) missing CDRs as at `now`, CPOs with none left out. */
  async list(connectionId: string | null, now = new Date()): Promise<MissingCdrsOfCpo[]> {
    // A Session has its CDR when linked (CDR.session_id, 2.2.1+) or, for 2.1.1 whose CDRs name no session, when a CDR
    // of the same connection has its Location, EVSE, Connector and start (to the second).
    const sessions: SessionRow[] = await this.db.query(
      `SELECT s.connection_id, s.ocpi_id, s.start_date_time, coalesce(s.end_date_time, s.last_updated) AS ended, s.location_id,
         s.kwh::text AS kwh, s.currency, s.stated_before_taxes::text AS before, s.stated_after_taxes::text AS after
       FROM session s
       WHERE s.status = 'COMPLETED' AND s.connection_id IS NOT NULL AND ($1::uuid IS NULL OR s.connection_id = $1)
         AND coalesce(s.end_date_time, s.last_updated) < $2::timestamptz - make_interval(hours => $3::int)
         AND s.cdr_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM cdr c WHERE c.country_code = s.country_code AND c.party_id = s.party_id AND c.mapped->>'session_id' = s.ocpi_id)
         AND NOT (s.ocpi_version = '2.1.1' AND EXISTS (SELECT 1 FROM cdr c WHERE c.connection_id = s.connection_id AND c.location_id = s.location_id
           AND c.evse_uid = s.evse_uid AND c.connector_id = s.connector_id AND date_trunc('second', c.start_date_time) = date_trunc('second', s.start_date_time)))
       ORDER BY s.connection_id, ended, s.ocpi_id`,
      [connectionId, now.toISOString(), this.expectedWithinHours],
    );
    const byCpo = new Map<string, MissingCdr[]>();
    const add = (id: string, m: MissingCdr) => byCpo.set(id, [...(byCpo.get(id) ?? []), m]);
    for (const s of sessions) {
      const none = (v: string | null) => v === null || new Decimal(v).isZero();
      const zero = new Decimal(s.kwh).isZero() && none(s.before) && none(s.after);
      const kind: MissingCdrKind = zero ? 'ZERO_SESSION_WITHOUT_CDR' : 'SESSION_WITHOUT_CDR';
      add(s.connection_id, {
        kind,
        reason: MISSING_CDR_WORDS[kind],
        session_id: s.ocpi_id,
        session_end_date_time: new Date(s.ended).toISOString(),
        start_date_time: new Date(s.start_date_time).toISOString(),
        location_id: s.location_id,
        kwh: s.kwh,
        currency: s.currency,
        amount_excl_vat: s.before,
        amount_incl_vat: s.after,
        invoice_id: null,
        invoice_number: null,
        line_no: null,
        cdr_ref: null,
      });
    }
    const invoices: Array<{ id: string; connection_id: string }> = await this.db.query(
      `SELECT id, connection_id FROM invoice WHERE superseded_by IS NULL AND ($1::uuid IS NULL OR connection_id = $1) ORDER BY connection_id, imported_at, id`,
      [connectionId],
    );
    for (const inv of invoices) {
      const notHeld: LineResult[] = [];
      const prepared = await this.reconciliation.prepare(inv.id);
      for await (const page of this.reconciliation.matchedPages(prepared)) notHeld.push(...page.filter((l) => l.outcome === 'CDR_NOT_HELD'));
      if (notHeld.length === 0) continue;
      const refs: Array<{
        line_no: number;
        cdr_ref: string | null;
        session_ref: string | null;
        location_id: string | null;
        start_date_time: Date | null;
        energy_kwh: string | null;
      }> = await this.db.query(
        `SELECT line_no, cdr_ref, session_ref, location_id, start_date_time, energy_kwh::text AS energy_kwh FROM invoice_line WHERE invoice_id = $1 AND line_no = ANY($2::int[])`,
        [inv.id, notHeld.map((l) => l.line_no)],
      );
      const refOf = new Map(refs.map((r) => [r.line_no, r]));
      for (const l of notHeld) {
        const r = refOf.get(l.line_no);
        add(inv.connection_id, {
          kind: 'INVOICED_CDR_NOT_HELD',
          reason: MISSING_CDR_WORDS.INVOICED_CDR_NOT_HELD,
          session_id: r?.session_ref ?? null,
          session_end_date_time: null,
          start_date_time: r?.start_date_time ? new Date(r.start_date_time).toISOString() : null,
          location_id: r?.location_id ?? null,
          kwh: r?.energy_kwh ?? null,
          currency: l.invoiced.currency,
          amount_excl_vat: l.invoiced.excl_vat,
          amount_incl_vat: l.invoiced.incl_vat,
          invoice_id: inv.id,
          invoice_number: prepared.invoice.invoice_number,
          line_no: l.line_no,
          cdr_ref: r?.cdr_ref ?? null,
        });
      }
    }
    return [...byCpo.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, missing]) => ({
        connection_id: id,
        counts: {
          SESSION_WITHOUT_CDR: missing.filter((m) => m.kind === 'SESSION_WITHOUT_CDR').length,
          ZERO_SESSION_WITHOUT_CDR: missing.filter((m) => m.kind === 'ZERO_SESSION_WITHOUT_CDR').length,
          INVOICED_CDR_NOT_HELD: missing.filter((m) => m.kind === 'INVOICED_CDR_NOT_HELD').length,
        },
        missing,
      }));
  }

  /** As CSV: one row per missing CDR, its CPO first (CRLF). */
  toCsv(cpos: MissingCdrsOfCpo[]): string {
    const columns: Array<keyof MissingCdr> = [
      'kind',
      'reason',
      'session_id',
      'session_end_date_time',
      'start_date_time',
      'location_id',
      'kwh',
      'currency',
      'amount_excl_vat',
      'amount_incl_vat',
      'invoice_id',
      'invoice_number',
      'line_no',
      'cdr_ref',
    ];
    const rows = cpos.flatMap((c) => c.missing.map((m) => [c.connection_id, ...columns.map((k) => m[k])]));
    return stringify([['connection_id', ...columns], ...rows], { record_delimiter: 'windows' });
  }
}
