import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { listDeviations, WireDeviationView } from '../call-log/wire-deviation.store';
import { CdrStore } from '../cdrs/cdr.store';
import { ConnectionView, toConnectionView } from '../connections/connection.view';
import { ConnectionsService } from '../connections/connections.service';
import { ScheduleSettings, scheduleSettingsOf } from '../connections/module-modes';
import { AppConfig } from '../config/app-config';
import { listRejections } from '../intake/rejected-objects';
import { LocationStore } from '../locations/location.store';
import { SessionStore } from '../sessions/session.store';
import { SessionsService } from '../sessions/sessions.service';
import { TariffStore } from '../tariffs/tariff.store';

export interface ConnectionSummary {
  connection: ConnectionView;
  stored: { locations: number; evses: number; connectors: number; tariffs: number; sessions: number; cdrs: number };
  /**
   * Of those, what the CPO no longer lists (kept, marked with absent_since: never searched, never free): Locations and
   * Tariffs a complete full pull did not list, EVSEs a held Location no longer lists.
   */
  absent: { locations: number; evses: number; tariffs: number };
  /** Sessions needing attention now: STALE, CDR_OVERDUE, NO_CDR_FREE_CHARGE (see SESSION_STALE_MINUTES, SESSION_CDR_OVERDUE_HOURS). */
  flagged_sessions: { stale: number; cdr_overdue: number; no_cdr_free_charge: number };
  rejected: Array<{ module: string; object_id: string | null; reason: string }>;
  /** What the CPO bent and we tolerated over the last 30 days, per module, kind and field. */
  deviations: WireDeviationView[];
}

/** What we hold from one CPO, counted: shared by the operations API (GET …/{id}/summary) and the console. */
@Injectable()
export class ConnectionSummaryService {
  private readonly schedules: ScheduleSettings;

  constructor(
    config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly locations: LocationStore,
    private readonly tariffs: TariffStore,
    private readonly sessions: SessionStore,
    private readonly sessionViews: SessionsService,
    private readonly cdrs: CdrStore,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.schedules = scheduleSettingsOf(config.env);
  }

  /** The connection with its stored and absent counts, flagged sessions, the latest 100 rejections and 30 days of deviations. @throws NotFoundException for an unknown connection */
  async summary(id: string): Promise<ConnectionSummary> {
    const connection = toConnectionView(await this.connections.get(id), this.schedules);
    const stored = {
      ...(await this.locations.countHeld(this.db, id)),
      tariffs: await this.tariffs.countHeld(this.db, id),
      sessions: await this.sessions.countHeld(this.db, id),
      cdrs: await this.cdrs.countHeld(this.db, id),
    };
    const absent = { ...(await this.locations.countAbsent(this.db, id)), tariffs: await this.tariffs.countAbsent(this.db, id) };
    const rejected = (await listRejections(this.db, id, { module: null, limit: 100 })).map((r) => ({ module: r.module, object_id: r.object_id, reason: r.reason }));
    return { connection, stored, absent, flagged_sessions: await this.sessionViews.flaggedCounts(id), rejected, deviations: await listDeviations(this.db, id, 30) };
  }
}
