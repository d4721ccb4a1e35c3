/**
 * Scheduled pulls of a 2.3.0 CPO's InvoiceReconciliationRecords (mod_invoice_reconciliation §Sender Interface: GET
 * List with date_from / date_to on last_updated, paginated), over real HTTP with the CPO simulator: due a day apart by
 * default (the first SYNC_FIRST_PULL_DELAY_SECONDS after registration), claimed once however many instances look,
 * each pull asking from the checkpoint the last good one left, mode and interval set per connection by operations.
 * The once-a-minute look for due pulls is driven with a later clock (RecordPullScheduler.sendDuePulls).
 */
import { RecordPullScheduler } from '../../src/invoice-reconciliation/record-pull.scheduler';
import { CdrCpo, startCdrCpo } from '../cdrs/support/cdr-cpo';
import { until } from '../support/scheduled-pulls';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

/** Far beyond the test: the service's own looks (real clock) find nothing due while it runs. */
const DELAY_SECONDS = 600;
const MINUTE = 60_000;
const OWNER = { countryCode: 'FR', partyId: 'IRS' };
const record = (id: string, lastUpdated: string) => ({ country_code: 'FR', party_id: 'IRS', id, invoice_id: `INV-${id}`, cdrs: [`CDR-${id}`], last_updated: lastUpdated });

let service: TestService;
let cpo: CdrCpo;
let registeredAt: number;
let firstDue: Date;

beforeAll(async () => {
  service = await startTestService({ env: { SYNC_INTERVAL_MINUTES: '15', SYNC_FIRST_PULL_DELAY_SECONDS: String(DELAY_SECONDS) } });
  cpo = await startCdrCpo(service, '2.3.0', OWNER, {
    invoiceReconciliation: [record('R1', '2024-06-01T08:00:00Z'), record('R2', '2024-07-01T08:00:00Z'), record('R3', '2024-07-02T08:00:00Z')],
    maxPageLimit: 2,
  });
  registeredAt = Date.parse((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.connection.registered_at);
  firstDue = new Date(registeredAt + DELAY_SECONDS * 1000);
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

const scheduler = () => service.app.get(RecordPullScheduler);
const schedule = async () => (await service.ops('GET', `/connections/${cpo.connectionId}/invoice-reconciliation-schedule`)).body;
const put = (body: unknown) => service.ops('PUT', `/connections/${cpo.connectionId}/invoice-reconciliation-schedule`, body);
const recordGets = () => cpo.simulator.requests.filter((r) => r.method === 'GET' && r.url.includes('/invoicereconciliation'));
const heldIds = async () => (await service.finance('GET', `/invoice-reconciliation-records?connection_id=${cpo.connectionId}`)).body.map((r: any) => r.id).sort();
/** Waits until the schedule shows a pull after `after` (ISO), and returns the schedule. */
const untilPulledAfter = (after: string | null) =>
  until('the scheduled record pull', async () => {
    const s = await schedule();
    return s.last_pull && s.last_pull.at !== after ? s : undefined;
  });

describe('scheduled pulls of InvoiceReconciliationRecords (2.3.0 Sender interface)', () => {
  it('the look for due pulls is a cron schedule of the job queue; by default a pull a day, the first SYNC_FIRST_PULL_DELAY_SECONDS after registration', async () => {
    const { rows } = await withClient(service.database.url, (c) => c.query(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'invoice-reconciliation-due-check'`));
    expect(rows).toEqual([{ cron: '* * * * *', timezone: 'UTC' }]);
    expect(await schedule()).toEqual({
      mode: 'BOTH',
      mode_chosen_by: 'DEFAULT',
      interval_minutes: 1440,
      interval_chosen_by: 'DEFAULT',
      pulled_to: null,
      last_scheduled_at: null,
      last_pull: null,
    });
    expect(await scheduler().sendDuePulls(new Date(firstDue.getTime() - MINUTE))).toEqual([]);
  });

  it('the first due pull is claimed once however many look, and reads every page without date_from; its start becomes the checkpoint', async () => {
    const before = recordGets().length;
    const looks = await Promise.all([scheduler().sendDuePulls(firstDue), scheduler().sendDuePulls(firstDue)]);
    expect(looks.flat()).toEqual([{ connectionId: cpo.connectionId, claimedAt: firstDue.toISOString() }]);
    const s = await untilPulledAfter(null);
    expect(s.last_pull).toMatchObject({ status: 'SUCCEEDED', outcome: { received: 3, stored: 3, unchanged: 0, rejected: 0, pages: 2 }, error: null });
    expect(s.last_scheduled_at).toBe(firstDue.toISOString());
    expect(await heldIds()).toEqual(['R1', 'R2', 'R3']);
    const gets = recordGets().slice(before);
    expect(gets).toHaveLength(2);
    expect(gets[0].url).not.toMatch(/date_from=/);
    // date_to: the pull's start, which is the checkpoint now.
    expect(new URL(gets[0].url, 'http://x').searchParams.get('date_to')).toBe(s.pulled_to);
  });

  it('not due again before the interval; then it asks from the checkpoint minus five minutes and takes what changed since', async () => {
    const first = await schedule();
    expect(await scheduler().sendDuePulls(new Date(firstDue.getTime() + 1439 * MINUTE))).toEqual([]);
    cpo.simulator.setInvoiceReconciliation([
      record('R1', '2024-06-01T08:00:00Z'),
      record('R2', '2024-07-01T08:00:00Z'),
      record('R3', '2024-07-02T08:00:00Z'),
      record('R4', new Date().toISOString()),
    ]);
    const before = recordGets().length;
    expect(await scheduler().sendDuePulls(new Date(firstDue.getTime() + 1440 * MINUTE))).toHaveLength(1);
    const s = await untilPulledAfter(first.last_pull.at);
    expect(s.last_pull).toMatchObject({ status: 'SUCCEEDED', outcome: { received: 1, stored: 1, pages: 1 } });
    const [get] = recordGets().slice(before);
    expect(new URL(get.url, 'http://x').searchParams.get('date_from')).toBe(new Date(Date.parse(first.pulled_to) - 5 * MINUTE).toISOString());
    expect(Date.parse(s.pulled_to)).toBeGreaterThan(Date.parse(first.pulled_to));
    expect(await heldIds()).toEqual(['R1', 'R2', 'R3', 'R4']);
  });

  it('operations set the mode and the interval per connection: RECEIVE or 0 is never pulled; null goes back to the default; 400 naming the field', async () => {
    const far = new Date(firstDue.getTime() + 30 * 1440 * MINUTE);
    expect(await put({ interval_minutes: 5000 })).toMatchObject({ status: 400, body: { message: ['interval_minutes must be between 0 and 1440'] } });
    expect(await put({ mode: 'SOMETIMES' })).toMatchObject({ status: 400, body: { message: ['mode must be one of PULL, RECEIVE, BOTH, or null'] } });
    expect(await put({ mode: 'RECEIVE' })).toMatchObject({ status: 200, body: { mode: 'RECEIVE', mode_chosen_by: 'OPERATOR', interval_minutes: 1440 } });
    expect(await scheduler().sendDuePulls(far)).toEqual([]);
    expect(await put({ mode: null, interval_minutes: 0 })).toMatchObject({
      status: 200,
      body: { mode: 'BOTH', mode_chosen_by: 'DEFAULT', interval_minutes: null, interval_chosen_by: 'OPERATOR' },
    });
    expect(await scheduler().sendDuePulls(far)).toEqual([]);
    expect(await put({ interval_minutes: 60 })).toMatchObject({ status: 200, body: { interval_minutes: 60, interval_chosen_by: 'OPERATOR', mode: 'BOTH' } });
    const s = await schedule();
    expect(await scheduler().sendDuePulls(new Date(Date.parse(s.last_scheduled_at) + 59 * MINUTE))).toEqual([]);
    expect(await scheduler().sendDuePulls(new Date(Date.parse(s.last_scheduled_at) + 60 * MINUTE))).toHaveLength(1);
    await untilPulledAfter(s.last_pull.at);
    expect(await put({ interval_minutes: null })).toMatchObject({ status: 200, body: { interval_minutes: 1440, interval_chosen_by: 'DEFAULT' } });
    expect((await service.ops('PUT', `/connections/00000000-0000-4000-8000-000000000000/invoice-reconciliation-schedule`, { mode: 'PULL' })).status).toBe(404);
  });
});
