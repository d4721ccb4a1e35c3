/**
 * The Session store on a real database (PGlite, or PostgreSQL with DATABASE_URL): a whole Session (pulled, or PUT:
 * mod_sessions 2.2.1 §Receiver Interface §PUT Method "SHALL replace the existing object", ChargingPeriods included) is
 * upserted by (country_code, party_id, id), an older one never overwrites what we hold, the same one again changes
 * nothing; a PATCH (§PATCH Method) changes the fields it sends and adds ChargingPeriods; the raw payload is kept; a CDR
 * is linked to its Session.
 */
import { DataSource } from 'typeorm';
import { databaseOptions } from '../../src/database/database-options';
import { ENTITIES } from '../../src/entities';
import { ocpi221Adapter } from '../../src/ocpi/v2_2_1/v2-2-1.adapter';
import { normaliseWireObject } from '../../src/ocpi/wire/wire-normaliser';
import { CanonicalSession } from '../../src/sessions/session.model';
import { SessionPatch, SessionStore } from '../../src/sessions/session.store';
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

describe('Session store (mod_sessions 2.2.1 §Session object, §Receiver Interface PUT and PATCH)', () => {
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
  const patch = (p: SessionPatch, connection = connectionId) => db.transaction((m) => store.applyPatches(m, connection, '2.2.1', [p]));
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
      raw_patches: [],
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

  describe('§PATCH Method: the fields sent change, ChargingPeriods are added', () => {
    const periodAt = (start: string, kwh: string) => ({ start_date_time: start, dimensions: [{ type: 'ENERGY', volume: kwh }], tariff_id: null });
    // The spec's example "adding a new ChargingPeriod" (kwh 15, one period, total_cost 0.80 / 0.88), as a receiver reads it.
    const addPeriod = (id: string, extra: Partial<SessionPatch> = {}): SessionPatch => ({
      country_code: 'NL',
      party_id: 'STK',
      id,
      last_updated: '2020-03-09T11:16:02.000Z',
      fields: { kwh: '15', total_cost: { before_taxes: '0.8', after_taxes: '0.88', taxes: null } },
      charging_periods: [periodAt('2020-03-09T11:16:02.000Z', '2200')],
      raw: { kwh: 15, last_updated: '2020-03-09T11:16:02Z' },
      ...extra,
    });

    it('adds the period and sets the fields; the PATCH body is kept; the same PATCH again changes nothing', async () => {
      await put([sessionNamed('S-PATCH', { status: 'ACTIVE', charging_periods: [{ start_date_time: '2020-03-09T10:17:09Z', dimensions: [{ type: 'ENERGY', volume: 1 }] }] })]);
      const [done] = await patch(addPeriod('S-PATCH'));
      expect(done).toMatchObject({ kind: 'PATCHED', added: 1, already_held: 0 });
      const r = await row('S-PATCH');
      expect([r.kwh, r.stated_before_taxes, r.stated_after_taxes, r.status]).toEqual(['15', '0.8', '0.88', 'ACTIVE']);
      expect(r.mapped.charging_periods.map((p: any) => p.start_date_time)).toEqual(['2020-03-09T10:17:09.000Z', '2020-03-09T11:16:02.000Z']);
      expect(r.raw_patches).toEqual([{ kwh: 15, last_updated: '2020-03-09T11:16:02Z' }]);
      expect(new Date(r.last_updated).toISOString()).toBe('2020-03-09T11:16:02.000Z');
      expect(await patch(addPeriod('S-PATCH'))).toEqual([{ kind: 'UNCHANGED', rowId: r.id }]);
      expect((await row('S-PATCH')).raw_patches).toHaveLength(1);
    });

    it('periods sent cumulatively (every period again, the last one grown) are neither doubled nor lost', async () => {
      await put([sessionNamed('S-CUMUL', { status: 'ACTIVE' })]);
      await patch(addPeriod('S-CUMUL', { charging_periods: [periodAt('2020-03-09T10:20:00.000Z', '1')], last_updated: '2020-03-09T10:30:00.000Z' }));
      const [second] = await patch(
        addPeriod('S-CUMUL', {
          charging_periods: [periodAt('2020-03-09T10:20:00.000Z', '1.5'), periodAt('2020-03-09T10:35:00.000Z', '2')],
          last_updated: '2020-03-09T10:40:00.000Z',
        }),
      );
      expect(second).toMatchObject({ kind: 'PATCHED', added: 1, already_held: 1 });
      const periods = (await row('S-CUMUL')).mapped.charging_periods;
      expect(periods.map((p: any) => [p.start_date_time, p.dimensions[0].volume])).toEqual([
        ['2020-03-09T10:20:00.000Z', '1.5'],
        ['2020-03-09T10:35:00.000Z', '2'],
      ]);
    });

    it('a PATCH older than what we hold is STALE and not applied; one for a Session we do not hold is NOT_HELD', async () => {
      await put([sessionNamed('S-LATE', { status: 'ACTIVE', last_updated: '2020-03-09T12:00:00Z' })]);
      const [late] = await patch(addPeriod('S-LATE'));
      expect(late).toMatchObject({ kind: 'STALE', held_last_updated: '2020-03-09T12:00:00.000Z' });
      expect((await row('S-LATE')).mapped.charging_periods).toEqual([]);
      expect(await patch(addPeriod('S-NOBODY'))).toEqual([{ kind: 'NOT_HELD' }]);
    });

    it('a whole Session after PATCHes replaces them (the PATCH bodies it supersedes are cleared)', async () => {
      await put([sessionNamed('S-REPUT', { status: 'ACTIVE' })]);
      await patch(addPeriod('S-REPUT'));
      await put([sessionNamed('S-REPUT', { status: 'COMPLETED', kwh: 16, last_updated: '2020-03-09T11:30:00Z' })]);
      const r = await row('S-REPUT');
      expect([r.status, r.kwh, r.raw_patches, r.mapped.charging_periods]).toEqual(['COMPLETED', '16', [], []]);
    });
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
