import { CrawlCheckpoint } from './sync-run.entity';

/**
 * How far a pull has come (issue 18), computed when read from what each page's checkpoint already writes (no write
 * of its own): pages and objects received, the CPO's X-Total-Count of the crawl under way, the rate and time left.
 */
export interface SyncProgress {
  /** Pages received so far, re-reads included. */
  pages: number;
  /** Objects received so far (every crawl of the run). */
  objects: number;
  /** X-Total-Count of the crawl under way (the CPO's count of the list it pages through); null when the CPO sends none. */
  total: number | null;
  /** Objects of that crawl received so far (what `total` counts down against). */
  crawl_objects: number;
  /** Objects per second of the crawl under way since it began on this instance (until the run finished), 1 decimal; null before the first page. */
  rate: number | null;
  /** Seconds left at that rate for the crawl under way; 0 once finished; null while the total or rate is unknown. */
  eta_seconds: number | null;
}

/** The columns of a sync_run row that progress reads (snake_case, as operations read runs). */
export interface RunRowForProgress {
  status: string;
  pages: number;
  objects_received: number;
  started_at: Date | string;
  finished_at: Date | string | null;
  checkpoint: CrawlCheckpoint | null;
}

/** The run's progress at `now` (ms since the epoch). */
export function syncProgress(run: RunRowForProgress, now: number): SyncProgress {
  const total = run.checkpoint?.total_count ?? null;
  const crawlObjects = run.checkpoint?.received ?? run.objects_received;
  const end = run.finished_at === null ? now : new Date(run.finished_at).getTime();
  // From the crawl's own start when the checkpoint says it (a run opened with others waits for its turn), else the run's.
  const since = run.checkpoint?.rate_since ?? { at: run.started_at, received: 0 };
  const seconds = (end - new Date(since.at).getTime()) / 1000;
  const counted = run.checkpoint?.rate_since ? crawlObjects - since.received : run.objects_received;
  const rate = run.pages === 0 || seconds <= 0 ? null : Math.round((counted / seconds) * 10) / 10;
  let eta: number | null = null;
  if (run.status !== 'RUNNING') eta = 0;
  else if (total !== null && rate !== null && rate > 0) eta = Math.ceil(Math.max(0, total - crawlObjects) / rate);
  return { pages: run.pages, objects: run.objects_received, total, crawl_objects: crawlObjects, rate, eta_seconds: eta };
}

/** One line for a terminal: "locations 12/40 pages · 1,200/4,000 objects · 310/s · ~9 s left". */
export function progressLine(module: string, p: SyncProgress, status: string): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const objects = p.total === null ? `${n(p.objects)} objects` : `${n(p.crawl_objects)}/${n(p.total)} objects`;
  const rate = p.rate === null ? '' : ` · ${n(p.rate)}/s`;
  const left = status !== 'RUNNING' ? ` · ${status}` : p.eta_seconds === null ? '' : ` · ~${n(p.eta_seconds)} s left`;
  return `${module} ${n(p.pages)} pages · ${objects}${rate}${left}`;
}
