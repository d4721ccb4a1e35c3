/** The progress a sync run shows (issue 18), from its row and checkpoint (transport_and_format 2.2.1 §Pagination X-Total-Count). */
import { CrawlCheckpoint } from './sync-run.entity';
import { progressLine, syncProgress } from './sync-progress';

const START = Date.parse('2026-12-06T10:00:00Z');
const checkpoint = (over: Partial<CrawlCheckpoint> = {}): CrawlCheckpoint => ({
  catch_up: false,
  date_from: null,
  next_url: 'http://cpo/next',
  total_count: 1000,
  pages: 4,
  received: 400,
  saw_link: true,
  moved: false,
  rate_since: { at: new Date(START + 10_000).toISOString(), received: 0 },
  ...over,
});
const run = (over: Record<string, unknown> = {}) => ({
  status: 'RUNNING',
  pages: 4,
  objects_received: 400,
  started_at: new Date(START),
  finished_at: null,
  checkpoint: checkpoint(),
  ...over,
});

describe('syncProgress', () => {
  it('running with X-Total-Count: rate from when the crawl began (not the run, which waited its turn), time left for the rest', () => {
    // 400 objects in the 20 s since the crawl began: 20/s; 600 left: 30 s.
    expect(syncProgress(run(), START + 30_000)).toEqual({ pages: 4, objects: 400, total: 1000, crawl_objects: 400, rate: 20, eta_seconds: 30 });
  });

  it('a resumed crawl counts only what it received itself since it began', () => {
    const resumed = run({ checkpoint: checkpoint({ rate_since: { at: new Date(START + 10_000).toISOString(), received: 200 } }) });
    expect(syncProgress(resumed, START + 30_000)).toMatchObject({ rate: 10, eta_seconds: 60 });
  });

  it('without X-Total-Count the total and time left are unknown; before the first page the rate is too', () => {
    expect(syncProgress(run({ checkpoint: checkpoint({ total_count: null }) }), START + 30_000)).toMatchObject({ total: null, rate: 20, eta_seconds: null });
    expect(syncProgress(run({ pages: 0, objects_received: 0, checkpoint: null }), START + 30_000)).toEqual({
      pages: 0,
      objects: 0,
      total: null,
      crawl_objects: 0,
      rate: null,
      eta_seconds: null,
    });
  });

  it('a finished run: nothing left, its rate up to when it finished; an old checkpoint without rate_since measures from the run start', () => {
    const done = run({
      status: 'SUCCEEDED',
      pages: 10,
      objects_received: 1000,
      finished_at: new Date(START + 50_000),
      checkpoint: checkpoint({ received: 1000, rate_since: undefined }),
    });
    expect(syncProgress(done, START + 999_000)).toEqual({ pages: 10, objects: 1000, total: 1000, crawl_objects: 1000, rate: 20, eta_seconds: 0 });
  });

  it('the demo line', () => {
    expect(progressLine('locations', syncProgress(run(), START + 30_000), 'RUNNING')).toBe('locations 4 pages · 400/1,000 objects · 20/s · ~30 s left');
  });
});
