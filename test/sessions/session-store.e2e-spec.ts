/**
 * The Session store on a real database (PGlite, or PostgreSQL with DATABASE_URL): a whole Session (pulled, or PUT:
 * mod_sessions 2.2.1 §Receiver Interface §PUT Method "SHALL replace the existing object", ChargingPeriods included) is
 * upserted by (country_code, party_id, id), an older one never overwrites what we hold, the same one again changes
 * nothing; the raw payload is kept; a CDR is linked to its Session. A PATCH (§PATCH Method) reaches the store as the
 * whole Session the intake step composed: its cases are proven through the receiver (sessions-receiver.e2e-spec.ts).
 */
import { DataSource } from 'typeorm';
import { databaseOptions } from '../../src/database/database-options';
import { ENTITIES } from '../../src/entities';
import { ocpi221Adapter } from '../../src/ocpi/v2_2_1/v2-2-1.adapter';
import { normaliseWireObject } from '../../src/ocpi/wire/wire-normaliser';
import { CanonicalSession } from '../../src/sessions/session.model';
import { SessionStore } from '../../src/sessions/session.store';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { specSessions } from './support/spec-sessions';

function canonical(raw: unknown): CanonicalSession {
  const mapped = ocpi221Adapter.mapSession(normaliseWireObject('sessions', raw).value, { owner: null });
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.value;
}

const { starting, finished } = specSessions('2.2.1');
/** The spec's starting session, renamed so each test has its own. */
const sessionNamed = (id: string, extra: Record<string, unknown> = {}) => ({ ...starting, id, ...extra });

describe('Session store (mod_sessions 2.2.1 §Session object, §Receiver Interface PUT)', () => {
  let database: TestDatabase;
  let db: DataSource;
  const store = new SessionStore();
  let connectionId: string;
  let otherConnectionId: string;

  const put = (raws: unknown[], connection = connectionId) =>
    db.transaction((m) =>
      store.upsertMany(
        m,
        connection,
        '2.2.1',
        'PULL',
        raws.map((raw) => ({ session: canonical(raw), raw })),
      ),
    );
  const row = async (id: string) => {
    const [r] = await db.query(`SELECT *, changed_at::text AS changed_at_text FROM session WHERE country_code = 'NL' AND party_id = 'STK' AND ocpi_id = $1`, [id]);
    return r;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(databaseOptions(database.url, { entities: ENTITIES, poolSize: 2 })).initialize();
    const rows = await db.query(
      `INSERT INTO cpo_connection (name, status, their_versions_url) VALUES ('a', 'REGISTERED', 'http://a'), ('b', 'REGISTERED', 'http://b') RETURNING id`,
    );
    [connectionId, otherConnectionId] = rows.map((r: { id: string }) => r.id);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('a new Session is CREATED with its columns, the canonical Session and the raw payload; the same one again is UNCHANGED and nothing is written', async () => {
    const [created] = await put([sessionNamed('S-NEW')]);
    expect(created).toEqual({ kind: 'CREATED', rowId: expect.any(String) });
    const first = await row('S-NEW');
    expect(first).toMatchObject({
      id: created.kind === 'CREATED' ? created.rowId : null,
      connection_id: connectionId,
      status: 'PENDING',
      kwh: '0',
      currency: 'EUR',
      stated_before_taxes: '2.5',
      stated_after_taxes: null,
      token_uid: '123abc',
      contract_id: 'NL-TST-C12345678-S',
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '1',
      raw: sessionNamed('S-NEW'),
      cdr_id: null,
    });
    expect(new Date(first.start_date_time).toISOString()).toBe('2020-03-09T10:17:09.000Z');
    expect(await put([sessionNamed('S-NEW')])).toEqual([{ kind: 'UNCHANGED', rowId: first.id }]);
    // types §DateTime and §number: the same Session spelt otherwise (no Z, numbers as strings) is the same Session.
    const respelt = sessionNamed('S-NEW', { kwh: '0.00', start_date_time: '2020-03-09T10:17:09', total_cost: { excl_vat: '2.50' } });
    expect(await put([respelt])).toEqual([{ kind: 'UNCHANGED', rowId: first.id }]);
    expect((await row('S-NEW')).changed_at_text).toBe(first.changed_at_text);
    expect((await row('S-NEW')).raw).toEqual(sessionNamed('S-NEW'));
  });

  it('an update older (last_updated) than the one held never overwrites it; a later one replaces it whole, ChargingPeriods included', async () => {
    const later = { ...finished, country_code: 'NL', party_id: 'STK', id: 'S-ORDER' };
    await put([later]);
    const older = { ...later, kwh: 12, status: 'ACTIVE', end_date_time: undefined, last_updated: '2015-06-29T23:00:00Z' };
    const [stale] = await put([older]);
    expect(stale).toEqual({ kind: 'STALE', rowId: expect.any(String), held_last_updated: '2015-06-29T23:50:17.000Z' });
    expect(await row('S-ORDER')).toMatchObject({ status: 'COMPLETED', kwh: '41.12' });
    // §PUT Method: "Any charging_periods from the existing object SHALL be replaced"; none sent removes them.
    const replaced = { ...later, charging_periods: undefined, kwh: 41.5, last_updated: '2015-06-30T08:00:00Z' };
    expect(await put([replaced])).toEqual([{ kind: 'UPDATED', rowId: stale.kind === 'STALE' ? stale.rowId : '' }]);
    const r = await row('S-ORDER');
    expect([r.kwh, r.mapped.charging_periods, r.raw.kwh]).toEqual(['41.5', [], 41.5]);
  });

  it('two copies of one Session in a batch: the later last_updated is stored, the other SUPERSEDED', async () => {
    const a = sessionNamed('S-TWICE', { kwh: 5, status: 'ACTIVE', last_updated: '2020-03-09T10:30:00Z' });
    const b = sessionNamed('S-TWICE', { kwh: 3, status: 'ACTIVE', last_updated: '2020-03-09T10:20:00Z' });
    const outcomes = await put([a, b]);
    expect(outcomes.map((o) => o.kind)).toEqual(['CREATED', 'SUPERSEDED']);
    expect((await row('S-TWICE')).kwh).toBe('5');
  });

  it('a Session held through another connection is left to it (HELD_ELSEWHERE, with the reason)', async () => {
    await put([sessionNamed('S-MINE')]);
    const [outcome] = await put([sessionNamed('S-MINE', { kwh: 1, last_updated: '2020-03-09T11:00:00Z' })], otherConnectionId);
    expect(outcome).toMatchObject({
      kind: 'HELD_ELSEWHERE',
      reason: 'Session NL*STK S-MINE is held through another connection (another route to the same CPO); that copy is kept',
    });
    expect((await row('S-MINE')).kwh).toBe('0');
  });

  it('mod_cdrs 2.2.1 §CDR object session_id: a CDR is linked to its Session once, the first link kept', async () => {
    await put([sessionNamed('S-LINK')]);
    const cdrIds: string[] = (
      await db.query(
        `INSERT INTO cdr (ocpi_version, source, country_code, party_id, ocpi_id, content_hash, raw, mapped, start_date_time, end_date_time,
           location_id, evse_uid, connector_id, currency, stated_before_taxes, total_energy, last_updated)
         SELECT '2.2.1', 'PUSH', 'NL', 'STK', 'CDR-' || n, 'h' || n, '{}', jsonb_build_object('session_id', 'S-LINK'), now(), now(), 'LOC1', '3256', '1', 'EUR', 1, 1, now()
         FROM generate_series(1, 2) AS n RETURNING id`,
      )
    ).map((r: { id: string }) => r.id);
    const link = (cdrId: string) => db.transaction((m) => store.linkCdrs(m, [{ country_code: 'NL', party_id: 'STK', session_id: 'S-LINK', cdr_id: cdrId }]));
    expect(await link(cdrIds[0])).toBe(1);
    expect(await link(cdrIds[1])).toBe(0);
    expect(await db.transaction((m) => store.linkCdrs(m, [{ country_code: 'NL', party_id: 'STK', session_id: 'S-UNKNOWN', cdr_id: cdrIds[1] }]))).toBe(0);
    expect((await row('S-LINK')).cdr_id).toBe(cdrIds[0]);
  });
});
