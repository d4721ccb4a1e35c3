import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionModule } from '../connections/cpo-connection.entity';

/** The modules a health page shows a line for, in pull order. */
export const HEALTH_MODULES: readonly ConnectionModule[] = ['tariffs', 'locations', 'sessions', 'cdrs'];

/** A REGISTERED CPO neither heard from (a push) nor pulled successfully for this long, having been before, is flagged quiet. */
export const QUIET_AFTER_HOURS = 3;

/** Hours a health chart covers: the last day, the current hour included. */
export const CHART_HOURS = 24;

const HOUR_MS = 3_600_000;

/** One module of one CPO. */
export interface ModuleHealth {
  /** The latest pull that SUCCEEDED: when it started and finished; null when none did. */
  last_success: { started_at: Date; finished_at: Date | null } | null;
  /** Seconds since that pull started (what we hold is at most that old, unless pushed); null without one. */
  lag_seconds: number | null;
  /** Objects held (Locations, Tariffs not deleted, Sessions, CDRs), and EVSEs for Locations. */
  held: number;
  evses: number | null;
  /** Of those, marked absent (Locations, Tariffs) and absent EVSEs. */
  absent: number;
  absent_evses: number | null;
  /** Objects of this module refused (pulled or pushed), all kept ones. */
  rejected: number;
  /** The latest finished pull's error (and when it started) when it FAILED; null when it SUCCEEDED or none finished. */
  last_error: { at: Date; message: string } | null;
  /** A pull of this module under way (its run id), or null. */
  running_run_id: string | null;
  /** Pushes to this module's Receiver interface over the last {@link CHART_HOURS} hours. */
  pushes_last_day: number;
}

/** Per UTC hour of the last day (oldest first, the current hour last): pushes taken, pushes refused, failed calls logged. */
export interface HourlyTraffic {
  /** Start of each hour. */
  hours: Date[];
  accepted: number[];
  refused: number[];
  errors: number[];
}

/** One CPO's health. */
export interface CpoHealth {
  connection_id: string;
  modules: Record<ConnectionModule, ModuleHealth>;
  traffic: HourlyTraffic;
  /** Pushes received in the current UTC hour and over the last day (every module). */
  pushes_this_hour: number;
  pushes_last_day: number;
  /** Failed calls (either way) in the call log over the last day. */
  errors_last_day: number;
  /** The latest sign of life: the end of the last hour with a push, or the end of the last successful pull; null: never. */
  last_heard_at: Date | null;
}

interface Keyed {
  connection_id: string;
}

/**
 * Reads what the console's health pages show, for every CPO at once (one query per figure, so a page of 500 CPOs
 * costs the same seven queries as a page of one) or for one. Read only. Hours are UTC, counted in epoch hours so
 * that no session time zone is involved.
 */
@Injectable()
export class HealthFigures {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Health of every connection in `connectionIds`, or of all when null; keyed by connection id. With `hourly: false`
   * (the overview of every CPO) the `traffic` arrays stay zero and only the day's and this hour's totals are counted:
   * grouping a day of pushes and call-log entries by connection and hour (12,500 groups at 500 CPOs) cost more than
   * the rest of the page together (issue 18).
   */
  async read(connectionIds: string[] | null, now = new Date(), options: { hourly: boolean } = { hourly: true }): Promise<Map<string, CpoHealth>> {
    const ids = connectionIds;
    const currentHour = Math.floor(now.getTime() / HOUR_MS);
    const firstHour = currentHour - CHART_HOURS + 1;
    const since = new Date(firstHour * HOUR_MS);
    const only = (column: string) => `($1::uuid[] IS NULL OR ${column} = ANY($1::uuid[]))`;
    const [pulls, running, held, rejected, pushes, lastPush, errors, totals] = await Promise.all([
      // Per connection and module, the latest SUCCEEDED run and the latest finished one (an error when it FAILED): two
      // probes of sync_run_connection_idx each, stopping at the first match, so the cost follows the connections, not
      // the runs (which pile up by the hundred a day per CPO).
      this.db.query<
        Array<
          Keyed & {
            module: ConnectionModule;
            ok_started_at: Date | null;
            ok_finished_at: Date | null;
            last_status: string | null;
            last_started_at: Date | null;
            last_error: string | null;
          }
        >
      >(
        `SELECT c.id AS connection_id, m.module, ok.started_at AS ok_started_at, ok.finished_at AS ok_finished_at,
                last.status AS last_status, last.started_at AS last_started_at, last.error AS last_error
         FROM cpo_connection c CROSS JOIN unnest($2::text[]) AS m(module)
         LEFT JOIN LATERAL (SELECT started_at, finished_at FROM sync_run s WHERE s.connection_id = c.id AND s.module = m.module AND s.status = 'SUCCEEDED'
                            ORDER BY s.started_at DESC LIMIT 1) ok ON true
         LEFT JOIN LATERAL (SELECT status, started_at, error FROM sync_run s WHERE s.connection_id = c.id AND s.module = m.module AND s.status <> 'RUNNING'
                            ORDER BY s.started_at DESC LIMIT 1) last ON true
         WHERE ${only('c.id')}`,
        [ids, HEALTH_MODULES],
      ),
      this.db.query<Array<Keyed & { module: ConnectionModule; id: string }>>(
        `SELECT connection_id, module, id FROM sync_run WHERE status = 'RUNNING' AND ${only('connection_id')} ORDER BY started_at`,
        [ids],
      ),
      this.db.query<Array<Keyed & { module: ConnectionModule; held: number; absent: number; evses: number | null; absent_evses: number | null }>>(
        `SELECT l.connection_id, 'locations' AS module, count(DISTINCT l.id)::int AS held,
                count(DISTINCT l.id) FILTER (WHERE l.absent_since IS NOT NULL)::int AS absent,
                count(e.id)::int AS evses, count(e.id) FILTER (WHERE e.absent_since IS NOT NULL)::int AS absent_evses
         FROM location l LEFT JOIN evse e ON e.location_id = l.id WHERE ${only('l.connection_id')} GROUP BY l.connection_id
         UNION ALL
         SELECT connection_id, 'tariffs', count(*)::int, count(*) FILTER (WHERE absent_since IS NOT NULL)::int, NULL, NULL
         FROM tariff WHERE deleted_at IS NULL AND ${only('connection_id')} GROUP BY connection_id
         UNION ALL
         SELECT connection_id, 'sessions', count(*)::int, 0, NULL, NULL FROM session WHERE ${only('connection_id')} GROUP BY connection_id
         UNION ALL
         SELECT connection_id, 'cdrs', count(*)::int, 0, NULL, NULL FROM cdr WHERE connection_id IS NOT NULL AND ${only('connection_id')} GROUP BY connection_id`,
        [ids],
      ),
      this.db.query<Array<Keyed & { module: string; n: number }>>(
        `SELECT connection_id, module, count(*)::int AS n FROM rejected_object WHERE ${only('connection_id')} GROUP BY connection_id, module`,
        [ids],
      ),
      !options.hourly
        ? []
        : this.db.query<Array<Keyed & { module: string; hour: string; accepted: number; refused: number }>>(
            `SELECT connection_id, module, floor(extract(epoch FROM hour) / 3600)::bigint::text AS hour,
                coalesce(sum(count) FILTER (WHERE result = 'ACCEPTED'), 0)::int AS accepted,
                coalesce(sum(count) FILTER (WHERE result <> 'ACCEPTED'), 0)::int AS refused
         FROM push_hourly WHERE hour >= $2 AND ${only('connection_id')} GROUP BY connection_id, module, hour`,
            [ids, since],
          ),
      this.db.query<Array<Keyed & { hour: Date }>>(`SELECT connection_id, max(hour) AS hour FROM push_hourly WHERE ${only('connection_id')} GROUP BY connection_id`, [ids]),
      !options.hourly
        ? []
        : this.db.query<Array<Keyed & { hour: string; n: number }>>(
            `SELECT connection_id, floor(extract(epoch FROM created_at) / 3600)::bigint::text AS hour, count(*)::int AS n
         FROM ocpi_call_log WHERE created_at >= $2 AND connection_id IS NOT NULL AND ${only('connection_id')} GROUP BY 1, 2`,
            [ids, since],
          ),
      // Without the hours: the same counts over the same window (the chart's hours, the current one last), per connection
      // (and module for pushes), one row each.
      options.hourly
        ? null
        : Promise.all([
            this.db.query<Array<Keyed & { module: string; day: number; this_hour: number }>>(
              `SELECT connection_id, module, sum(count)::int AS day, coalesce(sum(count) FILTER (WHERE hour >= $3), 0)::int AS this_hour
               FROM push_hourly WHERE hour >= $2 AND hour < $4 AND ${only('connection_id')} GROUP BY connection_id, module`,
              [ids, since, new Date(currentHour * HOUR_MS), new Date((currentHour + 1) * HOUR_MS)],
            ),
            this.db.query<Array<Keyed & { n: number }>>(
              `SELECT connection_id, count(*)::int AS n FROM ocpi_call_log
               WHERE created_at >= $2 AND created_at < $3 AND connection_id IS NOT NULL AND ${only('connection_id')} GROUP BY connection_id`,
              [ids, since, new Date((currentHour + 1) * HOUR_MS)],
            ),
          ]),
    ]);

    const result = new Map<string, CpoHealth>();
    const of = (connectionId: string): CpoHealth => {
      let health = result.get(connectionId);
      if (!health) {
        health = emptyHealth(connectionId, firstHour);
        result.set(connectionId, health);
      }
      return health;
    };
    for (const id of ids ?? []) of(id);
    const slot = (hour: string) => Number(hour) - firstHour;

    for (const p of pulls) {
      const m = of(p.connection_id).modules[p.module];
      if (p.ok_started_at) {
        m.last_success = { started_at: new Date(p.ok_started_at), finished_at: p.ok_finished_at ? new Date(p.ok_finished_at) : null };
        m.lag_seconds = Math.max(0, Math.round((now.getTime() - m.last_success.started_at.getTime()) / 1000));
      }
      // The latest finished pull FAILED: its error stands until a pull succeeds.
      if (p.last_status === 'FAILED' && p.last_started_at) m.last_error = { at: new Date(p.last_started_at), message: p.last_error ?? 'failed (no error recorded)' };
    }
    for (const r of running) {
      const m = of(r.connection_id).modules[r.module];
      if (m && m.running_run_id === null) m.running_run_id = r.id;
    }
    for (const h of held) {
      const m = of(h.connection_id).modules[h.module];
      Object.assign(m, { held: h.held, absent: h.absent, evses: h.evses, absent_evses: h.absent_evses });
    }
    for (const r of rejected) {
      const m = of(r.connection_id).modules[r.module as ConnectionModule];
      if (m) m.rejected += r.n;
    }
    for (const p of pushes) {
      const health = of(p.connection_id);
      const i = slot(p.hour);
      if (i < 0 || i >= CHART_HOURS) continue;
      health.traffic.accepted[i] += p.accepted;
      health.traffic.refused[i] += p.refused;
      health.pushes_last_day += p.accepted + p.refused;
      if (i === CHART_HOURS - 1) health.pushes_this_hour += p.accepted + p.refused;
      const m = health.modules[p.module as ConnectionModule];
      if (m) m.pushes_last_day += p.accepted + p.refused;
    }
    for (const e of errors) {
      const health = of(e.connection_id);
      const i = slot(e.hour);
      if (i < 0 || i >= CHART_HOURS) continue;
      health.traffic.errors[i] += e.n;
      health.errors_last_day += e.n;
    }
    const [pushTotals, errorTotals] = totals ?? [[], []];
    for (const p of pushTotals) {
      const health = of(p.connection_id);
      health.pushes_last_day += p.day;
      health.pushes_this_hour += p.this_hour;
      const m = health.modules[p.module as ConnectionModule];
      if (m) m.pushes_last_day += p.day;
    }
    for (const e of errorTotals) of(e.connection_id).errors_last_day += e.n;
    const lastPushes = new Map(lastPush.map((p) => [p.connection_id, Math.min(now.getTime(), new Date(p.hour).getTime() + HOUR_MS)]));
    for (const health of result.values()) {
      const pulls = HEALTH_MODULES.map((module) => health.modules[module].last_success?.finished_at?.getTime() ?? 0);
      const latest = Math.max(lastPushes.get(health.connection_id) ?? 0, ...pulls);
      health.last_heard_at = latest > 0 ? new Date(latest) : null;
    }
    return result;
  }
}

/** Whether a CPO has gone quiet: REGISTERED, heard from once, and not for {@link QUIET_AFTER_HOURS} hours. */
export function goneQuiet(status: string, health: CpoHealth, now = new Date()): boolean {
  return status === 'REGISTERED' && health.last_heard_at !== null && now.getTime() - health.last_heard_at.getTime() > QUIET_AFTER_HOURS * HOUR_MS;
}

/** A CPO we hold nothing about yet: every figure zero, no run. */
export function emptyHealth(connectionId: string, firstHour: number = Math.floor(Date.now() / HOUR_MS) - CHART_HOURS + 1): CpoHealth {
  const modules = {} as Record<ConnectionModule, ModuleHealth>;
  for (const module of HEALTH_MODULES) {
    modules[module] = {
      last_success: null,
      lag_seconds: null,
      held: 0,
      evses: module === 'locations' ? 0 : null,
      absent: 0,
      absent_evses: module === 'locations' ? 0 : null,
      rejected: 0,
      last_error: null,
      running_run_id: null,
      pushes_last_day: 0,
    };
  }
  const zeros = () => new Array<number>(CHART_HOURS).fill(0);
  return {
    connection_id: connectionId,
    modules,
    traffic: { hours: Array.from({ length: CHART_HOURS }, (_, i) => new Date((firstHour + i) * HOUR_MS)), accepted: zeros(), refused: zeros(), errors: zeros() },
    pushes_this_hour: 0,
    pushes_last_day: 0,
    errors_last_day: 0,
    last_heard_at: null,
  };
}
