import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Decimal } from 'decimal.js';
import { DataSource } from 'typeorm';
import { minorUnits } from '../../tariffs/engine/money';
import { stringify } from 'csv-stringify/sync';

/** Quantities and costs of a CDR or a sum of them: kWh, hours, major units of the currency; decimal strings. */
export interface LedgerAmounts {
  energy_kwh: string;
  time_hours: string;
  parking_hours: string;
  /** Cost excluding VAT (total_cost before taxes). */
  cost_excl_vat: string;
  /** Cost including VAT; null when a CDR does not tell (2.1.1 states only the cost excluding VAT). */
  cost_incl_vat: string | null;
}

/**
 * One ledger line: a CDR with its own totals, the credit CDRs that credit it (mod_cdrs 2.2.1 §Credit CDRs) and what is
 * left once they are netted. A credit CDR whose original is not in the ledger (another period, or never received) is
 * a line of its own (`kind` CREDIT_WITHOUT_ORIGINAL), its quantities counted negative, as it cancels them.
 */
export interface LedgerLine extends LedgerAmounts {
  kind: 'CDR' | 'CREDIT_WITHOUT_ORIGINAL';
  /** Our CDR row id. */
  id: string;
  country_code: string;
  party_id: string;
  cdr_id: string;
  session_id: string | null;
  start_date_time: string;
  end_date_time: string;
  currency: string;
  /** The OCPI ids of the credit CDRs netted against it (empty: none). */
  credited_by: string[];
  /** The CDR it credits, on a CREDIT_WITHOUT_ORIGINAL line. */
  credits: string | null;
  net: LedgerAmounts;
}

/** The ledger of one CPO connection for one period: its lines and their net totals per currency. */
export interface Ledger {
  connection_id: string;
  from: string;
  to: string;
  lines: LedgerLine[];
  totals: Array<{ currency: string; cdrs: number; credited: number } & LedgerAmounts>;
}

interface Row {
  id: string;
  country_code: string;
  party_id: string;
  ocpi_id: string;
  session_id: string | null;
  start_date_time: Date;
  end_date_time: Date;
  currency: string;
  total_energy: string;
  total_time: string;
  total_parking_time: string | null;
  stated_before_taxes: string;
  stated_after_taxes: string | null;
  credit: boolean;
  credit_reference_id: string | null;
}

/**
 * The finance ledger: every CDR a CPO connection sent whose session started in [from, to), with its totals, credit
 * CDRs netted against the CDR they credit (matched by credit_reference_id under the same country_code / party_id,
 * whatever the credit's own period). Exact decimals (decimal.js from the stored numeric strings); nothing is rounded:
 * a total is the exact sum of what the CDRs state.
 */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * @param currency only CDRs in this ISO 4217 currency (null: all, totals per currency)
   */
  async ledger(connectionId: string, from: Date, to: Date, currency: string | null): Promise<Ledger> {
    const rows: Row[] = await this.db.query(
      `SELECT c.id, c.country_code, c.party_id, c.ocpi_id, c.mapped->>'session_id' AS session_id, c.start_date_time, c.end_date_time,
         c.currency, c.total_energy::text AS total_energy, c.mapped->>'total_time' AS total_time, c.mapped->>'total_parking_time' AS total_parking_time,
         c.stated_before_taxes::text AS stated_before_taxes, c.stated_after_taxes::text AS stated_after_taxes, c.credit,
         c.mapped->>'credit_reference_id' AS credit_reference_id
       FROM cdr c
       WHERE c.connection_id = $1 AND ($4::text IS NULL OR c.currency = $4)
         AND ((NOT c.credit AND c.start_date_time >= $2 AND c.start_date_time < $3)
           OR (c.credit AND EXISTS (SELECT 1 FROM cdr o WHERE o.connection_id = c.connection_id AND o.country_code = c.country_code AND o.party_id = c.party_id
                 AND o.ocpi_id = c.mapped->>'credit_reference_id' AND NOT o.credit AND o.start_date_time >= $2 AND o.start_date_time < $3))
           OR (c.credit AND c.start_date_time >= $2 AND c.start_date_time < $3))
       ORDER BY c.start_date_time, c.ocpi_id`,
      [connectionId, from.toISOString(), to.toISOString(), currency],
    );
    const originals = new Map<string, LedgerLine>();
    const lines: LedgerLine[] = [];
    for (const r of rows.filter((x) => !x.credit)) {
      const own = amountsOf(r, 1);
      const line: LedgerLine = { kind: 'CDR', ...identityOf(r), ...own, credited_by: [], credits: null, net: own };
      originals.set(`${r.country_code}|${r.party_id}|${r.ocpi_id}`, line);
      lines.push(line);
    }
    for (const r of rows.filter((x) => x.credit)) {
      const original = originals.get(`${r.country_code}|${r.party_id}|${r.credit_reference_id}`);
      // A credit CDR "will contain all the data of the original CDR", its total_cost negative: it cancels the quantities too.
      const cancels = amountsOf(r, -1);
      if (original) {
        original.credited_by.push(r.ocpi_id);
        original.net = add(original.net, cancels, r.currency);
      } else {
        lines.push({ kind: 'CREDIT_WITHOUT_ORIGINAL', ...identityOf(r), ...cancels, credited_by: [], credits: r.credit_reference_id, net: cancels });
      }
    }
    const totals = new Map<string, Ledger['totals'][number]>();
    for (const l of lines) {
      const t = totals.get(l.currency) ?? { currency: l.currency, cdrs: 0, credited: 0, ...ZERO_AMOUNTS };
      totals.set(l.currency, { ...t, ...add(t, l.net, l.currency), cdrs: t.cdrs + (l.kind === 'CDR' ? 1 : 0), credited: t.credited + l.credited_by.length });
    }
    return {
      connection_id: connectionId,
      from: from.toISOString(),
      to: to.toISOString(),
      lines,
      totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    };
  }

  /** The ledger as CSV: one row per line (header first), then one row per currency total (kind TOTAL). */
  toCsv(ledger: Ledger): string {
    const header = [
      'kind',
      'country_code',
      'party_id',
      'cdr_id',
      'session_id',
      'start_date_time',
      'end_date_time',
      'currency',
      'energy_kwh',
      'time_hours',
      'parking_hours',
      'cost_excl_vat',
      'cost_incl_vat',
      'credited_by',
      'net_energy_kwh',
      'net_time_hours',
      'net_parking_hours',
      'net_cost_excl_vat',
      'net_cost_incl_vat',
    ];
    const rows = ledger.lines.map((l) => [
      l.kind,
      l.country_code,
      l.party_id,
      l.cdr_id,
      l.session_id,
      l.start_date_time,
      l.end_date_time,
      l.currency,
      l.energy_kwh,
      l.time_hours,
      l.parking_hours,
      l.cost_excl_vat,
      l.cost_incl_vat,
      (l.kind === 'CDR' ? l.credited_by : [l.credits]).join(' '),
      l.net.energy_kwh,
      l.net.time_hours,
      l.net.parking_hours,
      l.net.cost_excl_vat,
      l.net.cost_incl_vat,
    ]);
    const totals = ledger.totals.map((t) => [
      'TOTAL',
      null,
      null,
      null,
      null,
      ledger.from,
      ledger.to,
      t.currency,
      null,
      null,
      null,
      null,
      null,
      null,
      t.energy_kwh,
      t.time_hours,
      t.parking_hours,
      t.cost_excl_vat,
      t.cost_incl_vat,
    ]);
    // CRLF as RFC 4180; booleans as true/false (csv-stringify's default writes 1 and an empty field).
    return stringify([header, ...rows, ...totals], { record_delimiter: 'windows', cast: { boolean: (v) => String(v) } });
  }
}

const ZERO_AMOUNTS: LedgerAmounts = { energy_kwh: '0', time_hours: '0', parking_hours: '0', cost_excl_vat: '0', cost_incl_vat: '0' };

function identityOf(r: Row) {
  return {
    id: r.id,
    country_code: r.country_code,
    party_id: r.party_id,
    cdr_id: r.ocpi_id,
    session_id: r.session_id,
    start_date_time: new Date(r.start_date_time).toISOString(),
    end_date_time: new Date(r.end_date_time).toISOString(),
    currency: r.currency,
  };
}

/** The CDR's quantities (times `sign`) and its stated costs (as stated: a credit CDR's are negative already). */
function amountsOf(r: Row, sign: 1 | -1): LedgerAmounts {
  const q = (v: string | null) => new Decimal(v ?? '0').times(sign).toFixed();
  return {
    energy_kwh: q(r.total_energy),
    time_hours: q(r.total_time),
    parking_hours: q(r.total_parking_time),
    cost_excl_vat: money(new Decimal(r.stated_before_taxes), r.currency),
    cost_incl_vat: r.stated_after_taxes === null ? null : money(new Decimal(r.stated_after_taxes), r.currency),
  };
}

/** a + b, exactly; a cost including VAT stays unknown (null) once one side does not tell it. */
function add(a: LedgerAmounts, b: LedgerAmounts, currency: string): LedgerAmounts {
  const plus = (x: string, y: string) => new Decimal(x).plus(y).toFixed();
  return {
    energy_kwh: plus(a.energy_kwh, b.energy_kwh),
    time_hours: plus(a.time_hours, b.time_hours),
    parking_hours: plus(a.parking_hours, b.parking_hours),
    cost_excl_vat: money(new Decimal(a.cost_excl_vat).plus(b.cost_excl_vat), currency),
    cost_incl_vat: a.cost_incl_vat === null || b.cost_incl_vat === null ? null : money(new Decimal(a.cost_incl_vat).plus(b.cost_incl_vat), currency),
  };
}

/** Exact, shown to at least the currency's minor unit (4 → "4.00", 8.1675 stays "8.1675"). */
export function money(d: Decimal, currency: string): string {
  return d.toFixed(Math.max(minorUnits(currency), d.decimalPlaces()));
}
