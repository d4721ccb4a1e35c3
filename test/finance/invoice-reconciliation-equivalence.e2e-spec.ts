/**
 * The reconciliation report, which reads per page of lines only the CDRs they can reach and only what earlier invoices
 * claimed of those (issue 17), gives what matching against every CDR of the CPO gives (matchInvoice over all of them,
 * the earlier current invoices re-matched whole in import order: first come, first claimed). Seeded random CPOs whose
 * CDRs collide in every way matching cares about: ids differing only in case (two parties of one connection, so a later
 * CDR replaces an earlier under the same id), shared session ids and authorization references, credit CDRs, several
 * CDRs at one Location within a minute with one energy ("exactly one CDR fits" or not); lines per CDR and per SESSION;
 * CDRs and earlier invoices outside the period. Rows written straight into the database, as an import and a pull leave them.
 */
import { DataSource } from 'typeorm';
import { mulberry32, Rng } from '../cpo-simulator/prng';
import { CdrIndex, HeldCdr, InvoiceMatcher, matchInvoice, MatchableLine } from '../../src/finance/invoices/invoice-matching';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
let db: DataSource;

beforeAll(async () => {
  service = await startTestService();
  db = service.app.get(DataSource);
});
afterAll(async () => {
  await service?.stop();
});

const ROUNDS = 12;
const IDS = ['c1', 'C1', 'c2', 'c3', 'C3', 'c4', 'c5', 'c6', 'c7', 'c8'];
const SESSIONS = ['s1', 'S1', 's2', 's3', 's4', null];
const AUTHS = ['a1', 'A1', 'a2', 'a3', null, null];
const LOCATIONS = ['L1', 'L2'];
const ENERGIES = ['10', '10.0', '12'];
/** Starts a few seconds to minutes apart, so that some lines find exactly one CDR near and some find several. */
const startOf = (r: Rng, month: string) => new Date(Date.parse(`2024-${month}-10T10:00:00Z`) + r.int(0, 5) * 40_000).toISOString();

interface Row {
  party: string;
  id: string;
  session: string | null;
  auth: string | null;
  location: string;
  start: string;
  energy: string;
  amount: string;
  credit: boolean;
  creditOf: string | null;
}

async function seedRound(seed: number): Promise<{ connectionId: string; invoices: Array<{ id: string; number: string; linePer: 'CDR' | 'SESSION'; lines: MatchableLine[] }> }> {
  const r = mulberry32(seed);
  // Two parties of one connection (party ids are the CPO's own: one pair per round).
  const letter = String.fromCharCode(65 + (seed % 26));
  const PARTIES = [`P${letter}Q`, `R${letter}S`];
  const [{ id: connectionId }] = await db.query(
    `INSERT INTO cpo_connection (name, status, their_versions_url) VALUES ($1, 'REGISTERED', 'http://127.0.0.1:9/versions') RETURNING id`,
    [`Equivalence ${seed}`],
  );
  for (const party of PARTIES) await db.query(`INSERT INTO connection_party (connection_id, role, country_code, party_id) VALUES ($1, 'CPO', 'NL', $2)`, [connectionId, party]);
  const rows: Row[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < 24; i++) {
    const party = r.pick(PARTIES);
    const id = r.chance(0.8) ? r.pick(IDS) : `x${i}`;
    if (taken.has(`${party}/${id}`)) continue;
    taken.add(`${party}/${id}`);
    const credit = r.chance(0.2);
    rows.push({
      party,
      id,
      session: r.pick(SESSIONS),
      auth: r.pick(AUTHS),
      location: r.pick(LOCATIONS),
      // Never two CDRs at the same instant with the same id: their order (start, then id) would be the database's whim.
      start: new Date(Date.parse(startOf(r, r.chance(0.6) ? '06' : r.pick(['03', '04', '05', '07']))) + i).toISOString(),
      energy: r.pick(ENERGIES),
      amount: `${r.int(1, 3)}.${r.int(10, 99)}`,
      credit,
      creditOf: credit ? r.pick(IDS).toUpperCase() : null,
    });
  }
  for (const c of rows)
    await db.query(
      `INSERT INTO cdr (connection_id, ocpi_version, source, country_code, party_id, ocpi_id, content_hash, raw, mapped, start_date_time, end_date_time,
         location_id, evse_uid, connector_id, currency, stated_before_taxes, stated_after_taxes, total_energy, credit, last_updated)
       VALUES ($1, '2.2.1', 'PULL', 'NL', $2, $3, md5(random()::text), '{}'::jsonb, jsonb_strip_nulls(jsonb_build_object('session_id', $4::text, 'authorization_reference', $5::text,
         'credit_reference_id', $6::text, 'total_time', '1', 'total_parking_time', '0')), $7, $7::timestamptz + interval '1 hour', $8, 'E1', '1', 'EUR',
         $9::numeric, $9::numeric * 1.2, $10::numeric, $11, $7)`,
      [connectionId, c.party, c.id, c.session, c.auth, c.creditOf, c.start, c.location, c.credit ? `-${c.amount}` : c.amount, c.energy, c.credit],
    );
  const invoices: Array<{ id: string; number: string; linePer: 'CDR' | 'SESSION'; lines: MatchableLine[] }> = [];
  // Three earlier invoices (imported a day apart), then June's: the last one is reconciled.
  for (let n = 0; n < 4; n++) {
    const linePer = r.pick(['CDR', 'SESSION'] as const);
    const number = `EQ-${n}`;
    const mapping = { delimiter: ',', decimal_separator: '.', line_per: linePer, currency: 'EUR', columns: { cdr_id: 'cdr', amount_excl_vat: 'net' } };
    const [{ id }] = await db.query(
      `INSERT INTO invoice (connection_id, invoice_number, content_hash, period_from, period_to, mapping, line_count, imported_at)
       VALUES ($1, $2, md5($2), '2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z', $3::jsonb, 0, now() - (4 - $4::int) * interval '1 day') RETURNING id`,
      [connectionId, number, JSON.stringify(mapping), n],
    );
    const lines: MatchableLine[] = [];
    for (let k = 0; k < r.int(3, 10); k++) {
      const c = r.pick(rows);
      const by = r.weighted({ id: 4, session: 2, auth: 2, near: 3, ghost: 1 });
      const anyCase = (s: string) => (r.chance(0.5) ? s.toUpperCase() : s.toLowerCase());
      const line: MatchableLine = {
        line_no: k + 2,
        cdr_ref: by === 'id' ? anyCase(c.id) : by === 'ghost' ? 'nobody' : null,
        session_ref: by === 'session' && c.session ? anyCase(c.session) : null,
        authorization_reference: by === 'auth' && c.auth ? anyCase(c.auth) : null,
        location_id: by === 'near' ? c.location : null,
        start_date_time: by === 'near' ? new Date(Date.parse(c.start) + r.int(-50, 50) * 1000).toISOString() : null,
        energy_kwh: by === 'near' ? c.energy : null,
        time_hours: null,
        parking_hours: null,
        amount_excl_vat: r.chance(0.7) ? c.amount : '9.99',
        amount_incl_vat: null,
        vat_rate: null,
        currency: 'EUR',
      };
      lines.push(line);
      await db.query(
        `INSERT INTO invoice_line (invoice_id, line_no, cdr_ref, session_ref, authorization_reference, location_id, start_date_time, energy_kwh, amount_excl_vat, currency, raw)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'EUR', '{}'::jsonb)`,
        [id, line.line_no, line.cdr_ref, line.session_ref, line.authorization_reference, line.location_id, line.start_date_time, line.energy_kwh, line.amount_excl_vat],
      );
    }
    invoices.push({ id, number, linePer, lines });
  }
  return { connectionId, invoices };
}

/** Every CDR of the CPO, in index order (start, then id), as matching holds them. */
async function allCdrs(connectionId: string): Promise<HeldCdr[]> {
  const rows: Array<HeldCdr & { start_date_time: Date }> = await db.query(
    `SELECT c.ocpi_id AS cdr_id, c.mapped->>'session_id' AS session_id, c.mapped->>'authorization_reference' AS authorization_reference,
       c.location_id, c.start_date_time, c.currency, c.total_energy::text AS energy_kwh, c.mapped->>'total_time' AS time_hours,
       c.mapped->>'total_parking_time' AS parking_hours, c.stated_before_taxes::text AS before_taxes, c.stated_after_taxes::text AS after_taxes,
       c.credit, c.mapped->>'credit_reference_id' AS credit_reference_id, c.difference_before_taxes::text AS difference_before_taxes,
       c.difference_after_taxes::text AS difference_after_taxes, c.exact
     FROM cdr c WHERE c.connection_id = $1 ORDER BY c.start_date_time, c.ocpi_id`,
    [connectionId],
  );
  return rows.map((c) => ({ ...c, start_date_time: new Date(c.start_date_time).toISOString() }));
}

describe('the report equals matching against every CDR of the CPO', () => {
  it.each(Array.from({ length: ROUNDS }, (_, i) => 1000 + i))('seed %i', async (seed) => {
    const { connectionId, invoices } = await seedRound(seed);
    const cdrs = await allCdrs(connectionId);
    // The earlier invoices re-matched whole, in import order, against every CDR: what each claimed first.
    const index = new CdrIndex(cdrs);
    const elsewhere = new Map<string, { invoice_number: string; line_no: number }>();
    for (const e of invoices.slice(0, 3)) {
      const matcher = new InvoiceMatcher(index, e.linePer, elsewhere);
      const theirs = new Map<string, { invoice_number: string; line_no: number }>();
      for (const l of e.lines) {
        const res = matcher.match(l);
        if (!res.unit || res.outcome === 'INVOICED_TWICE') continue;
        for (const id of res.unit.cdr_ids)
          if (!elsewhere.has(id.toLowerCase()) && !theirs.has(id.toLowerCase())) theirs.set(id.toLowerCase(), { invoice_number: e.number, line_no: res.line_no });
      }
      for (const [id, at] of theirs) elsewhere.set(id, at);
    }
    const june = invoices[3];
    const expected = matchInvoice(june.lines, cdrs, june.linePer, { from: '2024-06-01T00:00:00.000Z', to: '2024-07-01T00:00:00.000Z' }, elsewhere);
    const answer = await service.finance('GET', `/invoices/${june.id}/reconciliation`);
    expect(answer.status).toBe(200);
    expect(answer.body.lines).toEqual(JSON.parse(JSON.stringify(expected.lines)));
    expect(answer.body.not_invoiced.cdrs.map((c: any) => c.cdr_id)).toEqual(expected.not_invoiced.map((c) => c.cdr_id));
  });
});
