/**
 * mod_sessions Sender interface (2.1.1 §2.1 CPO Interface, 2.2.1 / 2.3.0 §Sender Interface §GET Method) pulled from a CPO
 * of each version after its tariffs and locations and before its CDRs, through the one intake step: every Session
 * checked object by object in the database afterwards; incremental pulls with date_from (required by the spec); a
 * running session's growing ChargingPeriods; an older copy never overwrites a newer one; CDRs linked to their Sessions
 * (2.2.1+: CDR.session_id; 2.1.1 CDRs name no session).
 */
import { Client } from 'pg';
import { startTestService, TestService } from '../support/test-service';
import { SessionCpo, startSessionCpo, Version } from './support/session-cpo';

let service: TestService;
let db: Client;
beforeAll(async () => {
  service = await startTestService();
  db = new Client({ connectionString: service.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await service?.stop();
});

const SECTIONS: Record<Version, string> = {
  '2.1.1': 'mod_sessions 2.1.1 §2.1.1 GET Method',
  '2.2.1': 'mod_sessions 2.2.1 §Sender Interface §GET Method',
  '2.3.0': 'mod_sessions 2.3.0 §Sender Interface §GET Method',
};
const OWNERS: Record<Version, { countryCode: string; partyId: string }> = {
  '2.1.1': { countryCode: 'BE', partyId: 'SSA' },
  '2.2.1': { countryCode: 'BE', partyId: 'SSB' },
  '2.3.0': { countryCode: 'BE', partyId: 'SSC' },
};

async function rows(connectionId: string): Promise<any[]> {
  const result = await db.query(`SELECT s.*, c.ocpi_id AS cdr_ocpi_id FROM session s LEFT JOIN cdr c ON c.id = s.cdr_id WHERE s.connection_id = $1 ORDER BY s.ocpi_id`, [
    connectionId,
  ]);
  return result.rows;
}

/** The session's OCPI id as stored (2.1.1 objects carry their id like the others). */
const idOf = (s: Record<string, any>) => String(s.id);
const startOf = (s: Record<string, any>) => String(s.start_date_time ?? s.start_datetime);
const iso = (v: string) => new Date(v).toISOString();

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('Sessions pulled from a %s CPO', (version) => {
  let cpo: SessionCpo;
  let outcomes: any[];
  beforeAll(async () => {
    cpo = await startSessionCpo(service, version, OWNERS[version]);
    outcomes = await cpo.sync();
  });
  afterAll(() => cpo?.close());

  it(`${SECTIONS[version]}: pulled after tariffs and locations, before CDRs, every page with date_from; the invalid Session rejected without sinking its page`, async () => {
    expect(outcomes.map((o) => o.module)).toEqual(['tariffs', 'locations', 'sessions', 'cdrs']);
    expect(outcomes[2]).toMatchObject({ status: 'SUCCEEDED', received: 7, stored: 6, rejected: 1, pages: 3 });
    const asked = cpo.simulator.requests.filter((r) => r.url.includes('/sessions'));
    expect(asked).toHaveLength(3);
    for (const r of asked) expect(new URL(r.url, 'http://x').searchParams.get('date_from')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    // A first pull asks for the last 30 days (date_from is required).
    const dateFrom = Date.parse(new URL(asked[0].url, 'http://x').searchParams.get('date_from')!);
    expect(Math.round((cpo.now - dateFrom) / 86_400_000)).toBe(30);
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=sessions`)).body;
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ module: 'sessions', object_id: 'S-INVALID', raw: cpo.invalid });
    expect(rejected[0].reason).toBe(`Invalid Session: ${version === '2.1.1' ? 'auth_id' : 'cdr_token'}: is required`);
  });

  it('mod_sessions §Session object: each Session stored as sent (raw) and as read, object by object', async () => {
    const held = await rows(cpo.connectionId);
    const served = [...cpo.completed, cpo.running, cpo.abandoned];
    expect(held.map((r) => r.ocpi_id)).toEqual(served.map(idOf).sort());
    for (const s of served) {
      const r = held.find((x) => x.ocpi_id === idOf(s));
      expect({ id: idOf(s), raw: r.raw }).toEqual({ id: idOf(s), raw: s });
      expect({
        id: idOf(s),
        country_code: r.country_code,
        party_id: r.party_id,
        status: r.status,
        kwh: r.kwh,
        start: r.start_date_time.toISOString(),
        periods: r.mapped.charging_periods.length,
        last_updated: r.last_updated.toISOString(),
        ocpi_version: r.ocpi_version,
        source: r.source,
      }).toEqual({
        id: idOf(s),
        country_code: OWNERS[version].countryCode,
        party_id: OWNERS[version].partyId,
        status: s.status,
        kwh: String(s.kwh),
        start: iso(startOf(s)),
        periods: (s.charging_periods ?? []).length,
        last_updated: iso(s.last_updated),
        ocpi_version: version,
        source: 'PULL',
      });
    }
    const running = held.find((r) => r.ocpi_id === 'RUNNING-1');
    expect([running.status, running.kwh, running.token_uid, running.contract_id]).toEqual(['ACTIVE', '6', version === '2.1.1' ? null : 'UID-RUN', 'NL-EMS-C-RUNNER']);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.stored.sessions).toBe(6);
  });

  it('mod_sessions §Session object charging_periods "to calculate and verify the total cost": the app sees the running Session\'s cost so far, ours equal to the CPO\'s (its billing prices by the same tariff)', async () => {
    const { status, body } = await service.api(`/api/v1/sessions?contract_id=NL-EMS-C-RUNNER`);
    expect(status).toBe(200);
    // The same contract charges at the CPO of every version in this file (one service): this CPO's Session, by its party.
    const mine = (body.data as Array<{ country_code: string; party_id: string }>).filter(
      (s) => s.country_code === OWNERS[version].countryCode && s.party_id === OWNERS[version].partyId,
    );
    expect(mine).toHaveLength(1);
    const [running] = mine as any[];
    expect(running).toMatchObject({
      session_id: 'RUNNING-1',
      status: 'ACTIVE',
      energy_kwh: '6',
      charging_periods: 2,
      our_cost: { exact: true, priced_with: version === '2.1.1' ? 'CONNECTOR_TARIFFS' : 'SESSION_TARIFFS' },
      difference: { before_taxes: '0.00', after_taxes: version === '2.1.1' ? null : '0.00' },
      flags: [],
    });
    expect(running.cpo_cost.before_taxes).toBe(running.our_cost.before_taxes);
    expect(Number(running.our_cost.before_taxes)).toBeGreaterThan(0);
  });

  it(`mod_cdrs §CDR object session_id: ${version === '2.1.1' ? 'a 2.1.1 CDR names no session, so none is linked' : 'the CDRs held are linked to their Sessions, the others wait'}`, async () => {
    const held = await rows(cpo.connectionId);
    const linked = Object.fromEntries(cpo.completed.map((s) => [idOf(s), held.find((r) => r.ocpi_id === idOf(s)).cdr_ocpi_id]));
    const expected = version === '2.1.1' ? cpo.completed.map(() => null) : [cpo.cdrs[0].id, cpo.cdrs[1].id, null, null];
    expect(Object.values(linked)).toEqual(expected);
  });

  it(`${SECTIONS[version]} incremental: date_from is the last good pull's start minus 5 minutes; the running Session's new ChargingPeriods arrive, an older copy overwrites nothing, the same again changes nothing`, async () => {
    const firstRun = (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body.find((r: any) => r.module === 'sessions');
    const before = await rows(cpo.connectionId);
    const grown = cpo.runningAt(cpo.now);
    // The abandoned session, as an old copy sent again with a later stamp would be, but older than held: never applied.
    const olderAbandoned = { ...cpo.abandoned, kwh: 1, last_updated: new Date(cpo.now - 1000).toISOString().replace('.000Z', 'Z') };
    const staleCopy = { ...olderAbandoned, last_updated: new Date(Date.parse(cpo.abandoned.last_updated) - 60_000).toISOString().replace('.000Z', 'Z') };
    cpo.serve([...cpo.completed, grown, staleCopy]);
    const seen = cpo.simulator.requests.length;
    const [, , sessions] = await cpo.sync();
    const asked = new URL(cpo.simulator.requests.slice(seen).find((r) => r.url.includes('/sessions'))!.url, 'http://x').searchParams.get('date_from');
    expect(Date.parse(asked!)).toBe(Date.parse(firstRun.started_at) - 5 * 60_000);
    // Only what changed since: the grown running session (the stale copy is dated before date_from).
    expect(sessions).toMatchObject({ status: 'SUCCEEDED', received: 1, stored: 1, rejected: 0 });
    const after = await rows(cpo.connectionId);
    const running = after.find((r) => r.ocpi_id === 'RUNNING-1');
    expect([running.kwh, running.mapped.charging_periods.length, running.last_updated.toISOString()]).toEqual(['12', 4, iso(grown.last_updated)]);
    // A full pull returns the stale copy too: older than held, so it changes nothing; the rest is the same again.
    const [, , full] = await cpo.sync(true);
    expect(full).toMatchObject({ status: 'SUCCEEDED', received: 6, stored: 6, rejected: 0 });
    const final = await rows(cpo.connectionId);
    const abandoned = final.find((r) => r.ocpi_id === 'ABANDONED-1');
    expect([abandoned.kwh, abandoned.raw]).toEqual([String(cpo.abandoned.kwh), cpo.abandoned]);
    for (const r of final) {
      const was = after.find((x) => x.ocpi_id === r.ocpi_id);
      expect([r.ocpi_id, r.changed_at.toISOString()]).toEqual([r.ocpi_id, was.changed_at.toISOString()]);
    }
    expect(before.find((r) => r.ocpi_id === 'RUNNING-1').mapped.charging_periods).toHaveLength(2);
  });

  it('types §DateTime, §number: the same Sessions with DateTimes without Z and numbers as strings are the same Sessions (nothing changes), each deviation counted for module sessions', async () => {
    const before = await rows(cpo.connectionId);
    cpo.simulator.setQuirks({ modules: ['sessions'], wire: { timestampsWithoutZ: true, numbersAsStrings: true } });
    const [, , sessions] = await cpo.sync(true);
    cpo.simulator.setQuirks({});
    expect(sessions).toMatchObject({ status: 'SUCCEEDED', received: 6, stored: 6, rejected: 0 });
    expect(sessions.deviations).toBeGreaterThan(0);
    const after = await rows(cpo.connectionId);
    expect(after.map((r) => [r.ocpi_id, r.changed_at.toISOString(), r.mapped])).toEqual(before.map((r) => [r.ocpi_id, r.changed_at.toISOString(), r.mapped]));
    const deviations = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body.filter((d: any) => d.module === 'sessions');
    const kinds = new Set(deviations.map((d: any) => `${d.kind} ${d.field}`));
    for (const expected of [
      'DATETIME_WITHOUT_TIMEZONE last_updated',
      `DATETIME_WITHOUT_TIMEZONE ${version === '2.1.1' ? 'start_datetime' : 'start_date_time'}`,
      'DATETIME_WITHOUT_TIMEZONE charging_periods.start_date_time',
      'NUMBER_AS_STRING kwh',
      'NUMBER_AS_STRING charging_periods.dimensions.volume',
    ])
      expect([expected, kinds.has(expected)]).toEqual([expected, true]);
  });
});

describe('a CPO that lists no sessions Sender interface', () => {
  it('mod_sessions is optional: the pull is SKIPPED with the reason, the other modules run', async () => {
    const cpo = await startSessionCpo(service, '2.2.1', { countryCode: 'BE', partyId: 'SSN' });
    try {
      cpo.serve(null);
      await service.ops('POST', `/connections/${cpo.connectionId}/rediscover`);
      const outcomes = await cpo.sync();
      expect(outcomes.map((o: any) => [o.module, o.status])).toEqual([
        ['tariffs', 'SUCCEEDED'],
        ['locations', 'SUCCEEDED'],
        ['sessions', 'SKIPPED'],
        ['cdrs', 'SUCCEEDED'],
      ]);
      expect(outcomes[2].message).toBe("the CPO's 2.2.1 endpoints list no sessions SENDER interface: nothing to pull (a CPO may push its sessions instead)");
    } finally {
      await cpo.close();
    }
  });
});
