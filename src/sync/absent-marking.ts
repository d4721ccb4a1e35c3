import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { forgetFinishedRuns, forgetSeen } from '../database/listed-in-run';
import { LocationStore } from '../locations/location.store';
import { TariffStore } from '../tariffs/tariff.store';
import { SyncRunEntity } from './sync-run.entity';

/**
 * Objects a CPO stops listing (issue 15): at the end of a pull of Locations or Tariffs that was complete and full (no
 * date_from, every page read and stored, nothing failed), what the connection holds and the pull did not list is
 * marked absent (kept, with since when; see LocationStore / TariffStore.markAbsentAfterFullPull). An incremental pull
 * or one that failed part-way marks nothing: it only forgets the keys it listed.
 */
@Injectable()
export class AbsentMarking {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly locations: LocationStore,
    private readonly tariffs: TariffStore,
  ) {}

  /**
   * For a pull whose every page was taken, before its run is closed as SUCCEEDED (a failure here fails the run: then
   * nothing was marked, the marking being one transaction). Runs again harmlessly (rows already marked stay as they are).
   * @returns how many objects were marked absent now (0 for an incremental pull or another module).
   */
  async afterCompletePull(run: SyncRunEntity): Promise<number> {
    if (run.dateFrom !== null) return 0;
    // What runs of dead instances left behind goes with the next full pull of the connection.
    await forgetFinishedRuns(this.db, run.connectionId);
    switch (run.module) {
      case 'locations':
        return this.db.transaction((m) => this.locations.markAbsentAfterFullPull(m, run.connectionId, run.id, run.startedAt));
      case 'tariffs':
        return this.db.transaction((m) => this.tariffs.markAbsentAfterFullPull(m, run.connectionId, run.id, run.startedAt));
      case 'sessions':
      case 'cdrs':
        return 0;
      case 'hubclientinfo':
        return 0; // HubClientInfoPull forgets the parties the full list no longer names itself
    }
  }

  /** For a pull that failed: the keys it listed are dropped, nothing is marked. Never throws (the rows go with the run anyway). */
  async afterFailedPull(run: SyncRunEntity): Promise<void> {
    await forgetSeen(this.db, run.id).catch(() => undefined);
  }
}
