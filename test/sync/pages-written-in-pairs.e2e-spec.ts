/**
 * A pull writes two pages of Locations at once when they share no Location (issue 15: throughput), yet commits them
 * one at a time, in order, each with its checkpoint (transport_and_format 2.2.1 §Pagination: a crawl of pages; the run
 * resumes from its last committed page). Here the database refuses one Location of page 4 after a delay, long enough
 * for page 5 to be fetched and written beside it: the run fails with page 4's error, keeps pages 1–3 and nothing of
 * page 5 (rolled back, since it may only commit after page 4), and its counts and checkpoint say 3 pages. The next
 * pull stores everything once.
 */
import { generateLocations } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'PAI' };
const PAGE = 2;

describe('Pages of Locations written two at a time, committed in order (transport_and_format 2.2.1 §Pagination)', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  const all = generateLocations({ count: 12, seed: 25, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, ...owner }) as Array<{ id: string }>;
  const refused = all[3 * PAGE]; // the first Location of page 4
  const query = <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => withClient(service.database.url, async (c) => (await c.query(sql, params)).rows as T[]);
  const storedIds = async () => (await query<{ ocpi_id: string }>(`SELECT ocpi_id FROM location WHERE party_id = $1 ORDER BY ocpi_id`, [owner.partyId])).map((r) => r.ocpi_id);
  const pagesAsked = () =>
    cpo.simulator.requests
      .filter((r) => r.method === 'GET' && /\/locations(\?|$)/.test(r.url))
      .map((r) => Number(new URL(r.url, 'http://cpo').searchParams.get('offset') ?? 0))
      .sort((a, b) => a - b);

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { ...owner, maxPageLimit: PAGE, locations: all });
    // A test-only trigger: the insert of `refused` waits 0.5 s, then fails (as a lost connection or a full disk would).
    await query(`CREATE FUNCTION test_refuse_location() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.ocpi_id = '${refused.id}' THEN PERFORM pg_sleep(0.5); RAISE EXCEPTION 'test: this Location cannot be written'; END IF;
        RETURN NEW;
      END $$`);
    await query(`CREATE TRIGGER test_refuse_location BEFORE INSERT ON location FOR EACH ROW EXECUTE FUNCTION test_refuse_location()`);
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('a page that fails takes the page written beside it down with it: pages 1–3 kept, nothing of page 5, counts and checkpoint at page 3', async () => {
    const outcomes = await cpo.sync(true);
    const locations = outcomes.find((o) => o.module === 'locations');
    expect(locations).toMatchObject({ status: 'FAILED' });
    expect(locations.message).toContain('test: this Location cannot be written');
    // Page 5 (offset 8) was fetched while page 4 was being written: it was read, prepared and written beside it.
    expect(pagesAsked()).toEqual(expect.arrayContaining([0, 2, 4, 6, 8]));
    expect(await storedIds()).toEqual(
      all
        .slice(0, 3 * PAGE)
        .map((l) => l.id)
        .sort(),
    );
    const [run] = await query(`SELECT pages, objects_received, objects_stored, checkpoint FROM sync_run WHERE id = $1`, [locations.run_id]);
    expect(run).toMatchObject({ pages: 3, objects_received: 3 * PAGE, objects_stored: 3 * PAGE });
    expect(run.checkpoint).toMatchObject({ pages: 3, received: 3 * PAGE });
  });

  it('once the database takes it, the next pull stores every Location once', async () => {
    await query(`DROP TRIGGER test_refuse_location ON location`);
    const outcomes = await cpo.sync(true);
    expect(outcomes.find((o) => o.module === 'locations')).toMatchObject({ status: 'SUCCEEDED', received: all.length, stored: all.length });
    expect(await storedIds()).toEqual(all.map((l) => l.id).sort());
  });
});
