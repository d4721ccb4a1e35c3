import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SyncModule = 'locations' | 'tariffs' | 'sessions' | 'cdrs' | 'hubclientinfo';
export type SyncRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/**
 * Where a run's crawl stands after its last page taken (written in that page's transaction), so that another instance
 * can resume the run from the next page when this one dies (see SyncService.resumeAbandoned). JSON, snake_case.
 */
export interface CrawlCheckpoint {
  /** Which crawl: the first one (from the run's date_from) or the catch-up one after the list moved. */
  catch_up: boolean;
  /** The date_from this crawl sent (ISO 8601 UTC; null: none). */
  date_from: string | null;
  /** The next page to fetch (the CPO's Link, or our offset URL); null: this crawl has read its last page. */
  next_url: string | null;
  /** X-Total-Count of the last page taken (null: the CPO sent none). */
  total_count: number | null;
  /** Pages and objects this crawl received so far, and whether a page of it carried a Link (see PageWalker). */
  pages: number;
  received: number;
  saw_link: boolean;
  /** The list moved under the first crawl: a catch-up crawl is due once it ends (see SyncService.pull). */
  moved: boolean;
  /**
   * When this crawl began on the instance writing it (ISO 8601 UTC) and how many objects it had received then (a
   * resumed crawl goes on from its checkpoint): what the progress rate is measured from. Absent in older checkpoints.
   */
  rate_since?: { at: string; received: number };
}

/** One pull of one module from one CPO, with what it received, stored and rejected. */
@Entity('sync_run')
export class SyncRunEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'connection_id' }) connectionId: string;
  @Column('text') module: SyncModule;
  @Column('text') status: SyncRunStatus;
  /** The date_from sent to the CPO (null: a full pull). */
  @Column('timestamptz', { name: 'date_from', nullable: true }) dateFrom: Date | null;
  /** The date_to sent to the CPO (null: none; only a window asked for by operations has one). */
  @Column('timestamptz', { name: 'date_to', nullable: true }) dateTo: Date | null;
  /** Operations asked for this window: the run neither moves the incremental starting point nor marks anything absent. */
  @Column('boolean', { name: 'window_requested' }) windowRequested: boolean;
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt: Date | null;
  /** Pages received, re-reads included. */
  @Column('integer') pages: number;
  /** Pages read again because the CPO's list moved under the crawl (see SyncService.pull). */
  @Column('integer', { name: 'pages_reread' }) pagesReread: number;
  @Column('integer', { name: 'objects_received' }) objectsReceived: number;
  @Column('integer', { name: 'objects_stored' }) objectsStored: number;
  @Column('integer', { name: 'objects_rejected' }) objectsRejected: number;
  /** Values the CPO bent and we normalised in this run (see wire_deviation for the kinds). */
  @Column('integer') deviations: number;
  @Column('text', { nullable: true }) error: string | null;
  /** Where the crawl stands after its last page taken (null: none taken yet). */
  @Column('jsonb', { nullable: true }) checkpoint: CrawlCheckpoint | null;
  /** How often another instance took this run over after its holder died, and when it last did. */
  @Column('integer', { default: 0 }) takeovers: number;
  @Column('timestamptz', { name: 'resumed_at', nullable: true }) resumedAt: Date | null;
  /**
   * How often an instance that stopped (SIGTERM) handed this run over at its checkpoint, and when it last did: the run
   * stays RUNNING, its lease free, for the next instance to resume at once (not counted in `takeovers`).
   */
  @Column('integer', { default: 0 }) handovers: number;
  @Column('timestamptz', { name: 'handed_over_at', nullable: true }) handedOverAt: Date | null;
}
