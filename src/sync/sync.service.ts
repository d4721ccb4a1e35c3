import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionsService, CpoSession } from '../connections/connections.service';
import { ConnectionModule, CpoConnectionEntity } from '../connections/cpo-connection.entity';
import { includesPull, modesOf } from '../connections/module-modes';
import { pullsPausedFor } from '../connections/party-claims';
import { SenderPages } from '../connections/sender-pages';
import { adapterFor } from '../ocpi/versions/version-registry';
import { CdrCostCheck } from '../finance/cdr-cost-check.service';
import { IntakeSource } from '../intake/intake-source';
import { IntakeService, PreparedBatch, shareNoObject } from '../intake/intake.service';
import { SearchIndexService } from '../locations/search/index/search-index.service';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { OcpiPage } from '../ocpi/client/ocpi-client';
import type { PulledModule } from '../ocpi/adapter/ocpi-version-adapter';
import { WalkPosition } from '../ocpi/client/page-walker';
import { retryWhileDatabaseUnavailable } from '../database/database-outage';
import { AbsentMarking } from './absent-marking';
import { HubClientInfoPull } from './hub-client-info.pull';
import { hubOf } from './hub-routing';
import { AbandonedRun, abandonedPulls, closeAbandonedRuns, LeaseLostError, SyncLease } from './sync-lease';
import { CrawlCheckpoint, SyncModule, SyncRunEntity } from './sync-run.entity';
import { RunRowForProgress, syncProgress } from './sync-progress';
import { withLogFields, partyField } from '../logging/log-context';
import { countSyncRun } from '../metrics/process-metrics';

/** Outcome of one module pull from one CPO. */
export interface SyncOutcome {
  module: SyncModule;
  /** HANDED_OVER: this instance stopped mid-pull; the run stays RUNNING at its checkpoint for the next instance. */
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'HANDED_OVER';
  run_id: string | null;
  pages: number;
  /** Pages read again because the CPO's list moved under the crawl (included in `pages`). */
  pages_reread: number;
  received: number;
  /** Valid objects now held as the CPO sent them (written, or already identical); duplicates in a page count once. */
  stored: number;
  rejected: number;
  /** Values the CPO bent and we normalised (counted per kind and field in wire_deviation). */
  deviations: number;
  /** Why it failed or was skipped, in plain words. */
  message: string | null;
}

/** A module whose pull has its lease and its RUNNING run, waiting for its turn. */
interface BegunPull {
  lease: SyncLease;
  run: SyncRunEntity;
}

/** One module of a sync just started: the run to follow, or why there is none (SKIPPED, with the reason). */
export interface StartedRun {
  module: SyncModule;
  status: 'RUNNING' | 'SKIPPED';
  run_id: string | null;
  message: string | null;
}

/** A sync started by {@link SyncService.start}: its runs at once, and their outcomes when all have finished. */
export interface StartedSync {
  runs: StartedRun[];
  /** When no module is pulled (every one SKIPPED): why, in one sentence; null otherwise. */
  message: string | null;
  /** Never rejects: each module's failure is its outcome. */
  done: Promise<SyncOutcome[]>;
}

/**
 * What a sync pulls: every module the connection's modes say (default) or only `modules`; incrementally from the last
 * good run (default), everything (`full`), or an explicit `window` operations ask for to read a period again
 * (date_from, and date_to when given: transport_and_format 2.2.1 §Paginated Request; such a run leaves the incremental
 * starting point where it was and marks nothing absent).
 */
export interface SyncOptions {
  full?: boolean;
  modules?: readonly SyncModule[];
  window?: { from: Date; to: Date | null };
}

/** Incremental pulls ask for objects changed since the last good run started, minus this margin for clock skew. */
const DATE_FROM_MARGIN_MS = 5 * 60 * 1000;

/** A first (or full) pull of sessions asks for the last this many days: mod_sessions requires date_from. */
const SESSIONS_FIRST_PULL_DAYS = 30;

/** The date_from of a first or full pull: none, but for sessions (mod_sessions 2.2.1 §Sender Interface: date_from required). */
function firstDateFrom(module: SyncModule): Date | null {
  return module === 'sessions' ? new Date(Date.now() - SESSIONS_FIRST_PULL_DAYS * 86_400_000) : null;
}

/**
 * Pulls modules from a CPO's Sender interfaces (mod_locations 2.2.1 §8.2.1, mod_tariffs 2.2.1 §4.2.1, mod_sessions
 * 2.2.1 §Sender Interface, mod_cdrs 2.2.1 §Sender Interface), page by page; each page takes the intake step
 * (IntakeService) in one transaction, which also records on the run where the crawl stands (its checkpoint: the next
 * page). A run whose instance dies part-way keeps its pages stored; once its lease is known dead, the instance that
 * finds it (the next pull of that module, or the sweep: {@link resumeAbandoned}) takes the same run over and resumes it
 * from the next page: nothing read again, nothing skipped. A checkpoint that cannot be trusted any more (the next
 * page's URL refused with a 4xx, the list's X-Total-Count changed by more than a tenth) is dropped: the crawl starts
 * again from the run's date_from, in the same run. A pull that fails otherwise leaves the next run to pull again from
 * the last *successful* run's start; the stores make the overlap harmless (upserts; CDRs: the identical-content check).
 */
@Injectable()
export class SyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  /** Aborted when the service stops: cancels the calls of every pull in flight. */
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<SyncOutcome[]>>();
  /** Set by the first {@link stop}: the runs this instance handed over, once every pull in flight has ended. */
  private stopped: Promise<number> | null = null;
  private handedOver = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connections: ConnectionsService,
    private readonly senderPages: SenderPages,
    private readonly intake: IntakeService,
    private readonly cdrCheck: CdrCostCheck,
    private readonly config: AppConfig,
    private readonly searchIndex: SearchIndexService,
    private readonly hubClientInfo: HubClientInfoPull,
    private readonly absentMarking: AbsentMarking,
  ) {}

  /**
   * Pulls tariffs, then locations, then sessions, then CDRs from one registered CPO and waits for the outcomes (see
   * {@link start}).
   * `full` ignores the incremental date_from.
   */
  async syncConnection(connectionId: string, options: SyncOptions = {}): Promise<SyncOutcome[]> {
    return (await this.start(connectionId, options)).done;
  }

  /**
   * Starts a sync of one CPO without waiting for it: takes the lease of each module now (one that another pull holds,
   * here or on another instance, is SKIPPED with the reason) and opens its RUNNING run, then pulls tariffs, locations,
   * sessions and CDRs one after the other in the background (CDRs last, so that they are priced with the tariffs and
   * time zones just pulled and find their sessions).
   * Only the modules we pull are begun: a module whose mode is RECEIVE, or whose Sender interface the CPO does not list,
   * is SKIPPED, said why (it may push them instead). Every module SKIPPED, with the reason, while the connection is not
   * registered, while it needs attention because no token we hold works, or while none of the parties it claimed was
   * accepted (nothing pulled could be stored). A connection that pulls nothing gets no run at all and `message` says so.
   * Resolves as soon as the runs exist (database work only, no call to the CPO). @throws NotFoundException
   */
  async start(connectionId: string, options: SyncOptions = {}): Promise<StartedSync> {
    const connection = await this.connections.get(connectionId);
    const paused = pausedBecause(connection);
    // Every module the connection has unless some were named: a Hub's ClientInfo list only where it is a Hub.
    const order = PULL_ORDER.filter((module) => (options.modules ? options.modules.includes(module) : module !== 'hubclientinfo' || isHub(connection)));
    if (paused) {
      const outcomes = order.map((module) => skipped(module, paused));
      return { runs: outcomes.map(startedRun), message: `Nothing is pulled from this CPO: ${paused}`, done: Promise.resolve(outcomes) };
    }
    const begun: Array<BegunPull | SyncOutcome> = [];
    try {
      for (const module of order) {
        const notPulled = whyNotPulled(connection, module);
        begun.push(notPulled ? skipped(module, notPulled) : await this.begin(connectionId, module, options));
      }
    } catch (error) {
      for (const pull of begun) if ('lease' in pull) await this.close(pull, error);
      throw error;
    }
    // Skipped because another instance pulls it is no "nothing to pull".
    const pullsNothing = begun.every((pull) => !('lease' in pull) && pull.message !== ANOTHER_INSTANCE);
    const message = pullsNothing ? 'Nothing is pulled from this CPO: every module is received only or has no Sender interface (see each module).' : null;
    // Every line logged while pulling names the CPO (the pull runs outside any request).
    const done = withLogFields({ connection_id: connectionId, party: partyField(connection.parties) }, () => this.runAll(connectionId, begun));
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return { runs: begun.map(startedRun), message, done };
  }

  /** On shutdown: see {@link stop}. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /**
   * Stops pulling (once; later calls wait for the first): cancels the calls of the pulls in flight and waits for each
   * to hand its run over at its checkpoint (the page being written is written first) and release its lease, rather
   * than close it as FAILED: a stop (a deploy, a scale-down) is no failure, and the next instance resumes the run from
   * its next page. @returns how many runs were handed over (the caller asks for the sweep so that one resumes them).
   */
  stop(): Promise<number> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      await Promise.allSettled([...this.inFlight]);
      return this.handedOver;
    })();
    return this.stopped;
  }

  /**
   * Runs the begun pulls one after the other; never rejects. When the tariffs were pulled here (this instance may have
   * brought a tariff a stored CDR waited for), the CDRs priced before their tariffs are checked again after every
   * pull, before the last run closes: whoever follows the runs sees the re-check done once they have all finished.
   */
  private async runAll(connectionId: string, begun: Array<BegunPull | SyncOutcome>): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = [];
    const last = begun.map((pull) => 'lease' in pull).lastIndexOf(true);
    for (const [i, pull] of begun.entries()) {
      if (!('lease' in pull)) {
        outcomes.push(pull);
        continue;
      }
      // begun[0] is the tariffs pull: when it is also the last run, its own success decides.
      const beforeClosing = async (succeeded: boolean) => {
        if (i === 0 ? succeeded : outcomes[0].status === 'SUCCEEDED') await this.recheckStaleCdrs(connectionId);
      };
      outcomes.push(await this.runModule(pull, i === last ? beforeClosing : undefined));
    }
    return outcomes;
  }

  /** CDRs priced before their tariffs arrived (or never priced): checked again; a failure is logged, never thrown. */
  private async recheckStaleCdrs(connectionId: string): Promise<void> {
    try {
      const run = await this.cdrCheck.recheckStale(connectionId);
      if (run.checked > 0) this.logger.log({ connectionId, ...run }, 'Re-checked CDRs priced before their tariffs arrived');
    } catch (error) {
      this.logger.warn({ connectionId }, `Re-checking CDRs failed, left for a recompute: ${(error as Error).message}`);
    }
  }

  /**
   * The sweep: takes over every run still RUNNING whose instance died (its lease expired or is free) and resumes it in
   * the background from its checkpoint (see {@link pull}), when its connection may still be pulled; then closes as
   * FAILED the others (connection paused or gone, module no longer pulled, or the run taken over too often).
   * Another instance sweeping at the same time takes over none of the same runs (the lease decides).
   * @returns the ids of the runs resumed, how many were closed, and the outcomes of the resumed pulls once they end
   *   (never rejects).
   */
  async resumeAbandoned(): Promise<{ resumed: string[]; closed: number; done: Promise<SyncOutcome[]> }> {
    // A stopping instance neither resumes nor closes: the runs it finds may be the ones it is handing over.
    if (this.stopping.signal.aborted) return { resumed: [], closed: 0, done: Promise.resolve([]) };
    const resumed: BegunPull[] = [];
    // In pull order (tariffs first, CDRs last), as a sync runs them: an instance that stopped may hand over several.
    const abandoned = (await abandonedPulls(this.db)).sort((a, b) => pullRank(a.module) - pullRank(b.module));
    for (const { connectionId, module } of abandoned) {
      if (this.stopping.signal.aborted) break;
      const connection = await this.connections.get(connectionId).catch(() => null);
      if (!connection || pausedBecause(connection) || whyNotPulled(connection, module as SyncModule)) continue;
      const pull = await this.takeOver(connectionId, module as SyncModule);
      if (pull) resumed.push(pull);
    }
    const closed = await this.closeAbandonedRuns();
    const done = (async () => {
      const outcomes: SyncOutcome[] = [];
      for (const pull of resumed) outcomes.push(await this.runModule(pull));
      return outcomes;
    })();
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return { resumed: resumed.map((pull) => pull.run.id), closed, done };
  }

  /** Takes the lease of one module whose holder died and its RUNNING run over; null when another instance was first. */
  private async takeOver(connectionId: string, module: SyncModule): Promise<BegunPull | null> {
    const lease = this.lease(connectionId, module);
    const { acquired, resumedRunId } = await lease.acquire(() => true);
    if (!acquired) return null;
    if (!resumedRunId) {
      await lease.release(null);
      return null;
    }
    return this.resumed(lease, resumedRunId);
  }

  /** The run just taken over with `lease`, its heartbeat started. */
  private async resumed(lease: SyncLease, runId: string): Promise<BegunPull> {
    lease.startHeartbeat();
    try {
      const run = await this.db.getRepository(SyncRunEntity).findOneByOrFail({ id: runId });
      const from = run.checkpoint ? `after its page ${run.checkpoint.pages}${run.checkpoint.catch_up ? ' of the catch-up crawl' : ''}` : 'from its start';
      this.logger.warn(
        { connectionId: run.connectionId, module: run.module, runId, takeovers: run.takeovers, handovers: run.handovers },
        `Took over the pull of an instance that stopped (it handed the run over) or died (its lease expired): resuming it ${from}`,
      );
      return { lease, run };
    } catch (error) {
      await lease.release(null);
      throw error;
    }
  }

  private lease(connectionId: string, module: SyncModule): SyncLease {
    const env = this.config.env;
    return new SyncLease(this.db, connectionId, module, { ttlSeconds: env.SYNC_LEASE_TTL_SECONDS, renewSeconds: env.SYNC_LEASE_RENEW_SECONDS });
  }

  /**
   * Closes as FAILED, with the reason, every run still RUNNING whose instance died (its lease expired or is free).
   * Returns how many were closed. {@link resumeAbandoned} resumes first what it can.
   */
  async closeAbandonedRuns(): Promise<number> {
    const closed = await closeAbandonedRuns(this.db);
    if (closed > 0) this.logger.warn({ closed }, 'Closed the runs of instances that died while pulling (their leases expired)');
    return closed;
  }

  /** The latest `limit` pulls of one CPO, newest first, with their counts, errors and `progress` (snake_case, for operations; see SyncProgress). */
  async recentRuns(connectionId: string, limit = 50): Promise<unknown[]> {
    const rows: RunRowForProgress[] = await this.db.query(`SELECT ${RUN_COLUMNS} FROM sync_run WHERE connection_id = $1 ORDER BY started_at DESC LIMIT $2`, [connectionId, limit]);
    const now = Date.now();
    return rows.map((row) => ({ ...row, progress: syncProgress(row, now) }));
  }

  /** One run of a CPO (snake_case, as in {@link recentRuns}), or null when this connection has no such run. */
  async oneRun(connectionId: string, runId: string): Promise<unknown> {
    const [row]: RunRowForProgress[] = await this.db.query(`SELECT ${RUN_COLUMNS} FROM sync_run WHERE connection_id = $1 AND id = $2`, [connectionId, runId]);
    return row ? { ...row, progress: syncProgress(row, Date.now()) } : null;
  }

  /**
   * Takes the lease of one module and opens its RUNNING run, unless another pull holds it (then SKIPPED). A run left
   * RUNNING by an instance that died is taken over and resumed instead of opening a new one, when it is the pull asked
   * for (see {@link resumableFor}); otherwise it is closed as FAILED.
   */
  private async begin(connectionId: string, module: SyncModule, options: SyncOptions): Promise<BegunPull | SyncOutcome> {
    const lease = this.lease(connectionId, module);
    const { acquired, lastSuccessStarted, closedRuns, resumedRunId } = await lease.acquire((run) => resumableFor(options, run));
    // Whatever happens next (even a pull by another instance), this instance's next search catches up first.
    this.searchIndex.markDirty();
    if (!acquired) return skipped(module, ANOTHER_INSTANCE);
    if (closedRuns > 0) this.logger.warn({ connectionId, module, closedRuns }, 'Closed the runs of an instance that died while pulling (its lease expired)');
    if (resumedRunId) return this.resumed(lease, resumedRunId);
    // Renewed from now on, whatever the pulls before this one take: a lease waiting for its turn stays ours.
    lease.startHeartbeat();
    // A Hub's ClientInfo list is pulled whole every time (HubClientInfoPull): no date_from to show.
    const dateFrom =
      module === 'hubclientinfo'
        ? null
        : options.window
          ? options.window.from
          : options.full || !lastSuccessStarted
            ? firstDateFrom(module)
            : new Date(lastSuccessStarted.getTime() - DATE_FROM_MARGIN_MS);
    try {
      const run = await this.openRun(connectionId, module, dateFrom, options.window ?? null);
      return { lease, run };
    } catch (error) {
      await lease.release(null);
      throw error;
    }
  }

  private openRun(connectionId: string, module: SyncModule, dateFrom: Date | null, window: SyncOptions['window'] | null): Promise<SyncRunEntity> {
    return this.db.getRepository(SyncRunEntity).save({
      connectionId,
      module,
      status: 'RUNNING',
      dateFrom,
      dateTo: window?.to ?? null,
      windowRequested: window !== null,
      startedAt: new Date(),
      finishedAt: null,
      pages: 0,
      pagesReread: 0,
      objectsReceived: 0,
      objectsStored: 0,
      objectsRejected: 0,
      deviations: 0,
      error: null,
    });
  }

  /**
   * Pulls one begun module; its failure is its outcome (FAILED with the reason), never thrown. `beforeClosing` runs
   * after the pull, whatever its result, before the run is closed. @throws nothing
   */
  private async runModule({ lease, run }: BegunPull, beforeClosing?: (succeeded: boolean) => Promise<void>): Promise<SyncOutcome> {
    const { connectionId, module } = run;
    let failure: unknown = null;
    try {
      if (this.stopping.signal.aborted) throw new Error('the service stopped before this pull started');
      lease.assertHeld();
      const session = await this.connections.session(connectionId);
      if (module === 'hubclientinfo') await this.pullClientInfo(session, run, lease);
      else await this.pull(session, module, run, lease);
    } catch (error) {
      failure = error;
    }
    await beforeClosing?.(failure === null);
    try {
      if (failure === null) {
        // Still ours: had it expired, another instance might have taken it and be pulling the same module.
        await this.outlasting(() => lease.renew());
        // A complete full pull: what the CPO no longer lists is marked absent, before the run says SUCCEEDED.
        await this.outlasting(() => this.absentMarking.afterCompletePull(run));
        await this.outlasting(() => this.finish(run, lease, 'SUCCEEDED', null));
        // A window read again says nothing of what changed since the last incremental pull: its start stays.
        await this.outlasting(() => lease.release(run.windowRequested ? null : run.startedAt));
        await this.connections.recordError(connectionId, null);
      }
    } catch (error) {
      failure = error;
    }
    // Stopped mid-pull (the service stops): the run is handed over at its checkpoint, not failed (see stop()).
    if (failure !== null && this.stopping.signal.aborted && !(failure instanceof LeaseLostError) && run.status === 'RUNNING' && (await this.handOver({ lease, run }))) {
      return { ...outcome(run), status: 'HANDED_OVER', message: 'this instance stopped: the run was handed over at its checkpoint, for the next instance to resume' };
    }
    // A partial pull marks nothing; one whose lease was lost leaves what it listed to the instance that takes it over.
    if (failure !== null && (await this.close({ lease, run }, failure))) await this.absentMarking.afterFailedPull(run);
    this.searchIndex.markDirty(); // committed and released: read-your-writes for the searches after this pull
    countSyncRun(connectionId, module, run.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED');
    return outcome(run);
  }

  /**
   * Hands a begun pull over as it stands when this instance stops (see SyncLease.handOver). @returns false when it
   * could not (the lease was lost: the run is someone else's; the database failed: it is closed as FAILED instead).
   */
  private async handOver({ lease, run }: BegunPull): Promise<boolean> {
    try {
      await this.outlasting(() => lease.handOver(run.id));
    } catch (error) {
      this.logger.warn({ connectionId: run.connectionId, module: run.module, runId: run.id }, `Handing the run over failed: ${(error as Error).message}`);
      return false;
    }
    this.handedOver += 1;
    this.searchIndex.markDirty();
    const at = run.checkpoint ? `after its page ${run.checkpoint.pages}` : 'before its first page';
    this.logger.log({ connectionId: run.connectionId, module: run.module, runId: run.id }, `This instance stops: handed the pull over ${at}, for the next instance to resume`);
    return true;
  }

  /**
   * Closes a begun pull as FAILED with the reason; releases its lease. A pull whose lease was lost leaves its run
   * RUNNING, as it stands, for the instance that takes it over (it may have already): only the outcome says FAILED.
   * @returns whether the run was closed here.
   */
  private async close({ lease, run }: BegunPull, error: unknown): Promise<boolean> {
    const { connectionId, module } = run;
    const message = describeFailure(module, error);
    lease.stopHeartbeat();
    let closed = false;
    try {
      await this.outlasting(() => this.finish(run, lease, 'FAILED', message));
      closed = true;
      await this.outlasting(() => lease.release(null));
      await this.connections.recordError(connectionId, message);
    } catch (closing) {
      if (closing instanceof LeaseLostError) {
        Object.assign(run, { status: 'FAILED', error: message });
        this.logger.warn({ connectionId, module, runId: run.id }, `${message}; the run is left to the instance that takes it over`);
        return false;
      }
      this.logger.error({ connectionId, module, runId: run.id }, `Closing the run failed: ${(closing as Error).message}`);
    }
    this.logger.warn({ connectionId, module, runId: run.id }, message);
    return closed;
  }

  /**
   * Pulls one module: one crawl of the Sender interface from the run's date_from, page by page. When the list moved
   * under the crawl (X-Total-Count changed, or a page began with an object the previous page held: objects inserted
   * or changed before our offset, which the crawl has passed), one catch-up crawl follows with date_from = the start
   * of the first crawl minus the clock-skew margin: whatever was inserted or changed meanwhile has a last_updated at
   * least that late (transport_and_format 2.2.1 §Paginated Request: date_from inclusive), so nothing the CPO lists
   * at the end is missed; its pages count as re-reads. What changes during the catch-up is for the next pull, which
   * starts from this one's start. Objects moved forward past us by removals are re-read by the page walker itself
   * (an offset lowered by the drop of X-Total-Count, see PageWalker). Duplicates are harmless: the stores upsert.
   * A run taken over goes on from its checkpoint: the crawl it was in, from the next page (the first crawl of a
   * resumed run counts as started when the run did: an earlier catch-up date_from, never a later one).
   */
  private async pull(session: CpoSession, module: PulledModule, run: SyncRunEntity, lease: SyncLease): Promise<void> {
    const at = run.checkpoint;
    const crawlStarted = at ? run.startedAt.getTime() : Date.now();
    // One correlation id per pull, shared by its pages (transport_and_format 2.2.1 §Unique message IDs).
    const correlationId = randomUUID();
    let moved = at?.moved ?? false;
    if (!at?.catch_up) {
      // A checkpoint whose first crawl read its last page: only the catch-up (if due) remains.
      if (!at || at.next_url !== null) {
        ({ moved } = await this.crawl(session, module, run, lease, { dateFrom: run.dateFrom, catchUp: false, correlationId, resumeFrom: at, moved }));
      }
      if (!moved) return;
    } else if (at.next_url === null) return;
    const dateFrom = at?.catch_up ? parseDate(at.date_from) : new Date(crawlStarted - DATE_FROM_MARGIN_MS);
    this.logger.log(
      { connectionId: run.connectionId, module, runId: run.id },
      `The CPO's ${module} list moved while we paged: catching up with date_from ${dateFrom?.toISOString()}`,
    );
    await this.crawl(session, module, run, lease, { dateFrom, catchUp: true, correlationId, resumeFrom: at?.catch_up ? at : null, moved: true });
  }

  /**
   * Pulls a Hub's ClientInfo list (mod_hub_client_info §Pull model: who may push through it) as the run of module
   * hubclientinfo: always the whole list (only a full list says who left; it is small), so a run taken over starts it
   * again. Each page's counts are written on the run while the lease holds (fenced).
   */
  private async pullClientInfo(session: CpoSession, run: SyncRunEntity, lease: SyncLease): Promise<void> {
    await this.hubClientInfo.pull(session, this.stopping.signal, async (soFar, pages) => {
      lease.assertHeld();
      const counts = { pages, objectsReceived: soFar.received, objectsStored: soFar.stored, objectsRejected: soFar.rejected };
      await this.outlasting(() =>
        this.db.transaction(async (m) => {
          await lease.fence(m);
          await m.getRepository(SyncRunEntity).update(run.id, counts);
        }),
      );
      Object.assign(run, counts);
    });
  }

  /**
   * One crawl of the module's pages into the stores, counted on the run, its checkpoint written with each page (in the
   * page's transaction). From `resumeFrom`'s next page when given; when that checkpoint cannot be trusted (see
   * {@link distrust}), the crawl starts again from `dateFrom`. `moved`: the list already moved under this crawl.
   * @returns whether the list moved under it.
   */
  private async crawl(
    session: CpoSession,
    module: PulledModule,
    run: SyncRunEntity,
    lease: SyncLease,
    crawl: { dateFrom: Date | null; catchUp: boolean; correlationId: string; resumeFrom: CrawlCheckpoint | null; moved: boolean },
  ): Promise<{ moved: boolean }> {
    let resumeFrom = crawl.resumeFrom;
    for (;;) {
      let taken = 0;
      try {
        const moved = await this.crawlPages(session, module, run, lease, crawl, resumeFrom, (page) => {
          // The first page of a resumed crawl tells whether the list is still the one the checkpoint was taken on.
          const why = resumeFrom && taken === 0 ? distrustTotal(resumeFrom, page) : null;
          if (why) throw new UntrustedCheckpoint(why);
          taken += 1;
        });
        return { moved };
      } catch (error) {
        const why = resumeFrom && taken === 0 ? distrust(error) : null;
        if (!why) throw error;
        this.logger.warn(
          { connectionId: run.connectionId, module, runId: run.id },
          `The checkpoint of the run taken over cannot be trusted (${why}): crawling again from its date_from`,
        );
        resumeFrom = null;
      }
    }
  }

  /** The pages of one crawl, each taken with its checkpoint; `check` sees each page before it is taken (and may throw). */
  private async crawlPages(
    session: CpoSession,
    module: PulledModule,
    run: SyncRunEntity,
    lease: SyncLease,
    crawl: { dateFrom: Date | null; catchUp: boolean; correlationId: string; moved: boolean },
    resumeFrom: CrawlCheckpoint | null,
    check: (page: OcpiPage) => void,
  ): Promise<boolean> {
    const { connection } = session;
    const params = { limit: this.config.env.OCPI_PAGE_LIMIT, date_from: crawl.dateFrom?.toISOString(), date_to: run.dateTo?.toISOString() };
    const pages = this.senderPages.pages(session, module, params, {
      routeTo: hubOf(connection.parties),
      context: { connectionId: connection.id, module, correlationId: crawl.correlationId },
      signal: this.stopping.signal,
      resumeFrom: resumeFrom?.next_url ? positionOf(resumeFrom) : undefined,
    });
    const source: IntakeSource = {
      connectionId: connection.id,
      channel: 'PULL',
      adapter: session.adapter,
      agreedVersion: connection.ocpiVersion,
      parties: connection.parties,
      syncRunId: run.id,
    };
    let moved = crawl.moved;
    // One page deep, the CPO's time, ours and the database's overlap: while a page is written, the next one is fetched
    // and read and checked (CPU: the intake step's first half); a page is fetched only once the one before it has been
    // read, as without the overlap. And two pages of Locations that share no Location are written at once, on two
    // connections: the later one writes its rows while the earlier one finishes, then waits for its commit before
    // recording its own checkpoint and committing (IntakeService.store's `after`), so pages still commit one at a
    // time, in order, each with its checkpoint. A page stored alone took the service's main thread and the database
    // in turns, each idle about half the pull (issue 15). Two pages that share a Location (a list that moved) are
    // written one after the other: the second would wait for the first's rows while the first waits for its commit.
    // Not on the embedded PGlite (no DATABASE_URL): its one session runs one transaction at a time, so the second page
    // would gain nothing and only hold the session while it waits, keeping the app's queries waiting behind it.
    const twoAtOnce = module === 'locations' && Boolean(this.config.env.DATABASE_URL);
    let storing: Promise<void> = Promise.resolve();
    /** The store before `storing`, and the objects `storing` writes (whether the next page may be written beside it). */
    let storingBefore: Promise<void> = Promise.resolve();
    let storingKeys: ReadonlySet<string> | null = null;
    // Where this crawl's rate is measured from (progress): now, and what a resumed crawl had received before.
    const rateSince = { at: new Date().toISOString(), received: resumeFrom?.received ?? 0 };
    try {
      for await (const page of pages) {
        // A lease lost while the page was on its way: another instance may be pulling, this one stops here.
        lease.assertHeld();
        check(page);
        moved ||= page.moved;
        const checkpoint: CrawlCheckpoint = {
          catch_up: crawl.catchUp,
          date_from: crawl.dateFrom?.toISOString() ?? null,
          next_url: page.position.next,
          total_count: page.position.totalCount,
          pages: page.position.pages,
          received: page.position.received,
          saw_link: page.position.sawLink,
          moved,
          rate_since: rateSince,
        };
        const prepared = await this.intake.prepareInSlices(source, module, page.items, page.deviations);
        const beside = twoAtOnce && storingKeys !== null && shareNoObject(storingKeys, prepared.keys);
        await (beside ? storingBefore : storing);
        storingBefore = storing;
        storing = this.storePage(run, lease, prepared, checkpoint, { objects: page.items.length, reread: page.reread || crawl.catchUp }, beside ? storing : undefined);
        storingKeys = prepared.keys;
        // Observed now, awaited later: a failure while the next page is on its way is no unhandled rejection.
        storing.catch(() => undefined);
      }
    } finally {
      // Whatever stopped the crawl, the pages being written are written (or have failed) before the run is closed.
      await storingBefore.catch(() => undefined);
      await storing.catch(() => undefined);
    }
    // Their failure, if any, is the crawl's: the earlier page's first (a later one fails because of it).
    await storingBefore;
    await storing;
    return moved;
  }

  /**
   * Stores one prepared page in one transaction with the run's counts and checkpoint: a run that dies part-way keeps the
   * pages it stored and says where to go on. Taken again if the database went away meanwhile (a restart): the page's
   * writes are idempotent and the counts absolute, so a commit whose answer was lost does no harm.
   */
  private async storePage(
    run: SyncRunEntity,
    lease: SyncLease,
    prepared: PreparedBatch,
    checkpoint: CrawlCheckpoint,
    page: { objects: number; reread: boolean },
    after?: Promise<void>,
  ): Promise<void> {
    const counts = (result: { stored: number; rejected: number; deviations: number }) => ({
      pages: run.pages + 1,
      pagesReread: run.pagesReread + (page.reread ? 1 : 0),
      objectsReceived: run.objectsReceived + page.objects,
      objectsStored: run.objectsStored + result.stored,
      objectsRejected: run.objectsRejected + result.rejected,
      deviations: run.deviations + result.deviations,
    });
    // The run's counts are read once the page before has committed (`after`): they add up whatever order pages are in.
    const result = await this.outlasting(() => this.intake.store(prepared, (m, taken) => lease.fenceAndRecordPage(m, run.id, { ...counts(taken), checkpoint }), after));
    Object.assign(run, counts(result), { checkpoint });
  }

  /**
   * Runs a pull's database step again while the database is unavailable (a restart, a cut connection), for as long
   * as the pull's lease lasts: longer, and another instance may have taken the lease, which the next renewal finds.
   * Only for steps that may run twice (one transaction, idempotent writes).
   */
  private outlasting<T>(step: () => Promise<T>): Promise<T> {
    return retryWhileDatabaseUnavailable(step, this.config.env.SYNC_LEASE_TTL_SECONDS * 1000, (error, waitMs) =>
      this.logger.warn(`The database is unavailable (${(error as Error).message}); trying again in ${waitMs} ms`),
    );
  }

  /** Closes the run, while `lease` is still ours. @throws LeaseLostError otherwise (the run is left as it is). */
  private async finish(run: SyncRunEntity, lease: SyncLease, status: 'SUCCEEDED' | 'FAILED', error: string | null): Promise<void> {
    const finishedAt = new Date();
    await this.db.transaction(async (m) => {
      await lease.fence(m);
      await m.getRepository(SyncRunEntity).update(run.id, { status, error, finishedAt });
    });
    Object.assign(run, { status, error, finishedAt });
  }
}

/** The columns of a run operations read (snake_case). */
const RUN_COLUMNS =
  'id, module, status, date_from, date_to, window_requested, started_at, finished_at, pages, pages_reread, objects_received, objects_stored, objects_rejected, deviations, error, takeovers, resumed_at, handovers, handed_over_at, checkpoint';

/**
 * Whether a sync asked with `options` may take over `run`, left RUNNING by an instance that died, instead of opening a
 * run of its own: not for a window (operations asked for that period) nor for a full pull unless the run was one.
 */
function resumableFor(options: SyncOptions, run: AbandonedRun): boolean {
  if (options.window || run.windowRequested) return false;
  return !options.full || run.dateFrom === null;
}

/** Thrown on a resumed crawl's first page when the list it reads is no longer the one the checkpoint was taken on. */
class UntrustedCheckpoint extends Error {}

/**
 * Why a resumed crawl's first page shows a different list: X-Total-Count moved by more than a tenth of the checkpoint's
 * and more than a page as the CPO sends them (smaller moves the page walker handles itself: a re-read for a drop, a
 * catch-up for a growth).
 */
function distrustTotal(at: CrawlCheckpoint, page: OcpiPage): string | null {
  if (at.total_count === null || page.totalCount === null) return null;
  const change = Math.abs(page.totalCount - at.total_count);
  const pageSize = Math.ceil(at.received / Math.max(1, at.pages));
  if (change <= pageSize || change * 10 <= at.total_count) return null;
  return `X-Total-Count was ${at.total_count} at the checkpoint and is ${page.totalCount} now`;
}

/**
 * Why the failure of a resumed crawl's first page means its checkpoint cannot be trusted (the CPO refused the next
 * page's URL: a cursor expired, an offset out of range; or the URL is no longer on its endpoint), or null when it is
 * a failure like any other (the CPO is down: the pull fails, as it would have from the start).
 */
function distrust(error: unknown): string | null {
  if (error instanceof UntrustedCheckpoint) return error.message;
  if (!(error instanceof OcpiCallError)) return null;
  const { httpStatus, ocpiStatus } = error.details;
  if (error.kind === 'HTTP_STATUS' && httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500) return `the next page answered HTTP ${httpStatus}`;
  if (error.kind === 'OCPI_STATUS' && ocpiStatus !== undefined && ocpiStatus >= 2000 && ocpiStatus < 3000) return `the next page answered OCPI status ${ocpiStatus}`;
  if (error.kind === 'PAGINATION') return error.explanation;
  return null;
}

/** Where the page walker goes on from a checkpoint (its next page must be known). */
function positionOf(at: CrawlCheckpoint): WalkPosition {
  return { next: at.next_url!, totalCount: at.total_count, pages: at.pages, received: at.received, sawLink: at.saw_link };
}

function parseDate(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}

/** The order modules are pulled in: tariffs first and CDRs last (priced with the tariffs, linked to the sessions). */
const PULL_ORDER: readonly ConnectionModule[] = ['tariffs', 'locations', 'sessions', 'cdrs', 'hubclientinfo'];

/** A module's place in {@link PULL_ORDER} (an unknown one last). */
function pullRank(module: string): number {
  const rank = PULL_ORDER.indexOf(module as ConnectionModule);
  return rank < 0 ? PULL_ORDER.length : rank;
}

const ANOTHER_INSTANCE = 'another instance is pulling this module from this CPO right now';

/**
 * Why nothing may be pulled from this connection now (not registered; needs attention, so pulls are paused), or null.
 * "Sync now" refuses such a connection with 409; a scheduled pull records every module SKIPPED with it.
 */
export function pausedBecause(connection: CpoConnectionEntity): string | null {
  if (connection.status !== 'REGISTERED') return `the connection is ${connection.status}, not registered`;
  // No token we hold works: calling would only collect HTTP 401s. Operations know what to do (connection view).
  const attention = connection.needsAttention;
  if (attention) return `the connection needs attention, so pulls are paused: ${attention.what_happened} ${attention.what_to_do}`;
  const parties = pullsPausedFor(connection);
  return parties ? `the connection needs attention, so pulls are paused: ${parties}` : null;
}

/** Why `module` is not pulled from this connection (its mode, or no Sender interface listed), or null when it is. */
/** Whether one of the connection's parties has the credentials role HUB (then it has a ClientInfo list). */
function isHub(connection: CpoConnectionEntity): boolean {
  return connection.parties.some((p) => p.role === 'HUB');
}

function whyNotPulled(connection: CpoConnectionEntity, module: ConnectionModule): string | null {
  if (module === 'hubclientinfo' && !isHub(connection)) return 'the connection is no Hub (no party with the role HUB): it has no ClientInfo list';
  const view = modesOf(connection)[module];
  if (!view.sender_offered) {
    const version = adapterFor(connection.ocpiVersion)?.version ?? connection.ocpiVersion;
    const chosen = view.chosen_by === 'OPERATOR' && includesPull(view.mode) ? ` (its mode ${view.mode} was chosen while it did)` : '';
    return `the CPO's ${version} endpoints list no ${module} SENDER interface: nothing to pull (a CPO may push its ${module} instead)${chosen}`;
  }
  if (!includesPull(view.mode)) return `its mode is ${view.mode} (chosen by ${view.chosen_by === 'OPERATOR' ? 'operations' : 'default'}): ${module} are received, not pulled`;
  return null;
}

function describeFailure(module: SyncModule, error: unknown): string {
  if (error instanceof OcpiCallError) return `Pulling ${module} failed (${error.kind}) at ${error.details.method} ${error.details.url}: ${error.explanation}`;
  return `Pulling ${module} failed: ${(error as Error).message}`;
}

function skipped(module: SyncModule, message: string): SyncOutcome {
  return { module, status: 'SKIPPED', run_id: null, pages: 0, pages_reread: 0, received: 0, stored: 0, rejected: 0, deviations: 0, message };
}

function startedRun(pull: BegunPull | SyncOutcome): StartedRun {
  if ('lease' in pull) return { module: pull.run.module, status: 'RUNNING', run_id: pull.run.id, message: null };
  return { module: pull.module, status: 'SKIPPED', run_id: null, message: pull.message };
}

function outcome(run: SyncRunEntity): SyncOutcome {
  return {
    module: run.module,
    status: run.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
    run_id: run.id,
    pages: run.pages,
    pages_reread: run.pagesReread,
    received: run.objectsReceived,
    stored: run.objectsStored,
    rejected: run.objectsRejected,
    deviations: run.deviations,
    message: run.error,
  };
}
