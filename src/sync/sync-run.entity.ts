import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SyncModule = 'locations' | 'tariffs' | 'sessions' | 'cdrs';
export type SyncRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

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
}
