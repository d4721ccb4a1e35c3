/**
 * Browsing the call log through the operations API (what the console's call-log page uses): paging by cursor without
 * losing or repeating an entry, the object-id and until filters, one entry by id, and per entry whose side it is on
 * and the next step (status_codes 2.2.1: 3xxx a server error at the CPO; an incoming 401 the CPO's token).
 */
import { someLocations } from '../support/direct-client';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

describe('call log browsing: paging, object id, until, one entry, side and next step', () => {
  let service: TestService;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { countryCode: 'NL', partyId: 'BRO', locations: someLocations(2, 1, { countryCode: 'NL', partyId: 'BRO' }) });
    cpo.simulator.setQuirks({ modules: ['locations'], envelope: { ocpiError: { statusCode: 3000, message: 'database down' } } });
    for (let i = 0; i < 3; i++) await cpo.sync();
    cpo.simulator.setQuirks(undefined);
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('pages of 2 by cursor list every entry once, newest first', async () => {
    const { body: all } = await service.ops('GET', `/call-log?connection_id=${cpo.connectionId}`);
    expect(all).toHaveLength(3);
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 3; page++) {
      const { status, body } = await service.ops('GET', `/call-log?connection_id=${cpo.connectionId}&limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(status).toBe(200);
      seen.push(...body.map((e: any) => e.id));
      if (body.length < 2) break;
      after = body.at(-1).cursor;
    }
    expect(seen).toEqual(all.map((e: any) => e.id));
  });

  it('one entry by id: side CPO for an OCPI 3000, with the next step; 404 for an unknown id', async () => {
    const {
      body: [newest],
    } = await service.ops('GET', `/call-log?connection_id=${cpo.connectionId}&limit=1`);
    const { status, body } = await service.ops('GET', `/call-log/${newest.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: newest.id, kind: 'OCPI_STATUS', ocpi_status: 3000, side: 'CPO', next_step: expect.stringContaining('tell it') });
    expect((await service.ops('GET', '/call-log/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('object_id finds the calls naming an id; until leaves out later ones', async () => {
    expect((await service.ops('GET', `/call-log?connection_id=${cpo.connectionId}&object_id=locations`)).body).toHaveLength(3);
    expect((await service.ops('GET', `/call-log?connection_id=${cpo.connectionId}&object_id=no-such-object`)).body).toHaveLength(0);
    expect((await service.ops('GET', `/call-log?connection_id=${cpo.connectionId}&until=2000-01-01T00:00:00Z`)).body).toHaveLength(0);
  });

  it('an incoming call with an unknown token: the CPO side, and what it must do', async () => {
    await fetch(`${service.url}/ocpi/emsp/versions`, { headers: { Authorization: 'Token d3Jvbmc=' } });
    const entry = await (async () => {
      for (let i = 0; i < 50; i++) {
        const { body } = await service.ops('GET', '/call-log?direction=INCOMING&limit=1');
        if (body.length > 0) return body[0];
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('no incoming entry');
    })();
    expect(entry).toMatchObject({ http_status: 401, side: 'CPO', next_step: expect.stringContaining('token we gave it') });
  });
});
