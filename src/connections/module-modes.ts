import { DataSource, EntityManager } from 'typeorm';
import { OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { adapterFor } from '../ocpi/versions/version-registry';
import { ConnectionModule, ConnectionModuleModeEntity, CpoConnectionEntity, ModuleMode, TheirEndpoint } from './cpo-connection.entity';

/**
 * Every module with a mode, in pull order (tariffs first: CDRs are priced with them). hubclientinfo (a Hub's ClientInfo
 * list, mod_hub_client_info) is a configuration module with a schedule of its own; nothing else depends on its order.
 */
export const CONNECTION_MODULES: readonly ConnectionModule[] = ['tariffs', 'locations', 'sessions', 'cdrs', 'hubclientinfo'];

/** Every mode. */
export const MODULE_MODES: readonly ModuleMode[] = ['PULL', 'RECEIVE', 'BOTH'];

/** One module's mode as operations see it and the sync and the receivers read it. */
export interface ModuleModeView {
  mode: ModuleMode;
  /** DEFAULT: derived from the CPO's endpoints and re-derived when they change; OPERATOR: set through the operations API, kept. */
  chosen_by: 'DEFAULT' | 'OPERATOR';
  /** The CPO lists a Sender interface of this module in its version details (2.1.1: the module's endpoint). */
  sender_offered: boolean;
  /** We pull it: the mode includes pulling and the Sender interface is offered. */
  pulled: boolean;
  /** We take its pushes: the mode includes receiving. */
  received: boolean;
}

/** Shortest and longest interval operations may choose between two scheduled pulls of a module (minutes: a day). */
export const MIN_INTERVAL_MINUTES = 1;
export const MAX_INTERVAL_MINUTES = 1440;

/**
 * What the schedules follow unless operations chose otherwise: each module's default interval in minutes (0: off) and
 * how long after its registration a connection is first pulled.
 */
export interface ScheduleSettings {
  defaults: Record<ConnectionModule, number>;
  /** Seconds after registration before the first scheduled pull (room for operations to press "sync now" first). */
  firstPullDelaySeconds: number;
}

/**
 * The default intervals from SYNC_INTERVAL_MINUTES (N, default 15): sessions every N/3 minutes (at least 1: they change
 * while a car charges, and a pushed session that was lost is found soonest), locations and CDRs every N, tariffs every
 * 4N (they change seldom; a CDR priced before its tariff arrived is checked again after each tariffs pull), a Hub's
 * ClientInfo list every N (a Hub pushes changes, but a party it connects must not wait long to push through it). N = 0 turns
 * every schedule off (then also the first pull of a new connection), unless operations set an interval on a module.
 */
export function scheduleSettings(syncIntervalMinutes: number, firstPullDelaySeconds: number): ScheduleSettings {
  const n = syncIntervalMinutes;
  const bounded = (minutes: number) => (n === 0 ? 0 : Math.min(MAX_INTERVAL_MINUTES, Math.max(MIN_INTERVAL_MINUTES, Math.round(minutes))));
  return { defaults: { tariffs: bounded(4 * n), locations: bounded(n), sessions: bounded(n / 3), cdrs: bounded(n), hubclientinfo: bounded(n) }, firstPullDelaySeconds };
}

/** The schedule settings of the service's environment. */
export function scheduleSettingsOf(env: { SYNC_INTERVAL_MINUTES: number; SYNC_FIRST_PULL_DELAY_SECONDS: number }): ScheduleSettings {
  return scheduleSettings(env.SYNC_INTERVAL_MINUTES, env.SYNC_FIRST_PULL_DELAY_SECONDS);
}

/** One module's pull schedule as operations see it. */
export interface ModuleScheduleView {
  /** Minutes between scheduled pulls; null: off (never pulled by the schedule; "sync now" still pulls it). */
  interval_minutes: number | null;
  /** DEFAULT: from SYNC_INTERVAL_MINUTES; OPERATOR: set through the operations API. */
  interval_chosen_by: 'DEFAULT' | 'OPERATOR';
  /** The latest pull of this module, scheduled or asked for (ISO 8601 UTC), with its status; null: never pulled. */
  last_run: { started_at: string; status: string } | null;
  /** When the schedule last sent a pull of it; null: never. */
  last_scheduled_at: string | null;
  /**
   * When the schedule pulls it next: an interval after the last scheduled pull; never scheduled yet, the first-pull
   * delay after the registration or an interval after the last run, whichever is later (so a "sync now" right after
   * registering is not followed by a scheduled pull a minute later). Pulled at the first look for due pulls from then
   * on, once a minute; a CPO being pulled
   * at that moment is taken at the first look after); null when it is not pulled by schedule (off, not pulled at all,
   * or the connection is not registered).
   */
  next_due_at: string | null;
}

/** Each module's schedule on `connection` (its `moduleModes` relation loaded, with their last runs). */
export function schedulesOf(
  connection: Pick<CpoConnectionEntity, 'status' | 'registeredAt' | 'ocpiVersion' | 'theirEndpoints' | 'moduleModes'>,
  settings: ScheduleSettings,
): Record<ConnectionModule, ModuleScheduleView> {
  const modes = modesOf(connection);
  const stored = new Map((connection.moduleModes ?? []).map((row) => [row.module, row]));
  const views = {} as Record<ConnectionModule, ModuleScheduleView>;
  for (const module of CONNECTION_MODULES) {
    const row = stored.get(module);
    const minutes = row?.intervalMinutes ?? settings.defaults[module];
    const lastScheduled = row?.lastScheduledAt ?? null;
    const scheduled = minutes > 0 && modes[module].pulled && connection.status === 'REGISTERED';
    const lastRun = row?.lastRunStartedAt ? new Date(row.lastRunStartedAt) : null;
    const nextDue = !scheduled
      ? null
      : lastScheduled
        ? new Date(lastScheduled.getTime() + minutes * 60_000)
        : new Date(Math.max((connection.registeredAt?.getTime() ?? 0) + settings.firstPullDelaySeconds * 1000, lastRun ? lastRun.getTime() + minutes * 60_000 : 0));
    views[module] = {
      interval_minutes: minutes > 0 ? minutes : null,
      interval_chosen_by: row?.intervalMinutes === null || row?.intervalMinutes === undefined ? 'DEFAULT' : 'OPERATOR',
      last_run: lastRun ? { started_at: lastRun.toISOString(), status: row?.lastRunStatus ?? 'UNKNOWN' } : null,
      last_scheduled_at: lastScheduled ? lastScheduled.toISOString() : null,
      next_due_at: nextDue ? nextDue.toISOString() : null,
    };
  }
  return views;
}

/** One (connection, module) whose scheduled pull has come due and was claimed for this instance to send. */
export interface DuePull {
  connectionId: string;
  module: ConnectionModule;
}

/**
 * Claims the scheduled pulls due at `at`: the modules we pull (mode PULL or BOTH) of registered connections whose
 * interval is on and has passed since the schedule last sent one (never sent: `firstPullDelaySeconds` after the
 * registration, or an interval after a pull operations asked for meanwhile, whichever is later), except on a connection with a pull still RUNNING (a slow or hung CPO is not sent more work; its
 * modules are taken at the first look after it ends). Each claimed row's last_scheduled_at becomes `at` in the same
 * statement, compared with the value the look read: of several instances looking at once, one claims each pull.
 */
export async function claimDuePulls(db: DataSource, at: Date, settings: ScheduleSettings): Promise<DuePull[]> {
  return db.transaction(async (m) => {
    // One look at a time across instances (a transaction-scoped lock: PGlite shares one session): a CPO's modules due
    // together are claimed together, and two looks never wait on each other's rows in opposite orders.
    await m.query(`SELECT pg_advisory_xact_lock($1)`, [DUE_PULLS_LOCK_KEY]);
    return claim(m, at, settings);
  });
}

/** Key of the advisory lock that serialises the looks for due pulls ("PULL" in ASCII). */
const DUE_PULLS_LOCK_KEY = 0x50554c4c;

async function claim(m: EntityManager, at: Date, settings: ScheduleSettings): Promise<DuePull[]> {
  // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
  const [rows]: [Array<{ connection_id: string; module: ConnectionModule }>, number] = await m.query(
    `WITH due AS (
       SELECT m.connection_id, m.module, m.last_scheduled_at
       FROM connection_module_mode m JOIN cpo_connection c ON c.id = m.connection_id
       WHERE c.status = 'REGISTERED' AND m.mode IN ('PULL', 'BOTH')
         AND coalesce(m.interval_minutes, ($2::jsonb ->> m.module)::int, 0) > 0
         AND CASE WHEN m.last_scheduled_at IS NULL
                  THEN greatest(coalesce(c.registered_at, '-infinity'::timestamptz) + make_interval(secs => $3),
                                (SELECT max(r.started_at) FROM sync_run r WHERE r.connection_id = m.connection_id AND r.module = m.module)
                                  + make_interval(mins => coalesce(m.interval_minutes, ($2::jsonb ->> m.module)::int))) <= $1
                  ELSE m.last_scheduled_at + make_interval(mins => coalesce(m.interval_minutes, ($2::jsonb ->> m.module)::int)) <= $1 END
         AND NOT EXISTS (SELECT 1 FROM sync_run r WHERE r.connection_id = m.connection_id AND r.status = 'RUNNING')
     )
     UPDATE connection_module_mode m SET last_scheduled_at = $1
     FROM due WHERE m.connection_id = due.connection_id AND m.module = due.module AND m.last_scheduled_at IS NOT DISTINCT FROM due.last_scheduled_at
     RETURNING m.connection_id, m.module`,
    [at, JSON.stringify(settings.defaults), settings.firstPullDelaySeconds],
  );
  return rows.map((row) => ({ connectionId: row.connection_id, module: row.module }));
}

/** Whether `mode` includes pulling from the CPO's Sender interface. */
export function includesPull(mode: ModuleMode): boolean {
  return mode === 'PULL' || mode === 'BOTH';
}

/** Whether `mode` includes receiving the CPO's pushes. */
export function includesReceive(mode: ModuleMode): boolean {
  return mode === 'RECEIVE' || mode === 'BOTH';
}

/**
 * The default mode of a module: BOTH when the CPO offers its Sender interface (we pull on schedule and take whatever it
 * pushes meanwhile, which is what a CPO that offers both expects), RECEIVE when it does not (our Receiver interfaces
 * always exist, so a CPO that only pushes can still reach us).
 */
export function defaultMode(adapter: OcpiVersionAdapter, endpoints: TheirEndpoint[], module: ConnectionModule): ModuleMode {
  return adapter.senderUrl(endpoints, module) ? 'BOTH' : 'RECEIVE';
}

/**
 * Each module's mode on `connection` (its `moduleModes` relation loaded): the stored one, or, for a module without a row
 * (a connection not registered yet), the default from its endpoints. Without an agreed version nothing can be pulled.
 */
export function modesOf(connection: Pick<CpoConnectionEntity, 'ocpiVersion' | 'theirEndpoints' | 'moduleModes'>): Record<ConnectionModule, ModuleModeView> {
  const adapter = adapterFor(connection.ocpiVersion);
  const stored = new Map((connection.moduleModes ?? []).map((row) => [row.module, row]));
  const views = {} as Record<ConnectionModule, ModuleModeView>;
  for (const module of CONNECTION_MODULES) {
    const senderOffered = adapter !== undefined && adapter.senderUrl(connection.theirEndpoints, module) !== null;
    const row = stored.get(module);
    const mode = row?.mode ?? (senderOffered ? 'BOTH' : 'RECEIVE');
    views[module] = {
      mode,
      chosen_by: row?.chosenBy ?? 'DEFAULT',
      sender_offered: senderOffered,
      pulled: senderOffered && includesPull(mode),
      received: includesReceive(mode),
    };
  }
  return views;
}

/**
 * Writes the default mode of every module from the endpoints just learnt (registration, credentials update either
 * way, re-discovery), inside transaction `m`: a module whose mode operations chose keeps it; the others follow the
 * endpoints, so a CPO that starts or stops offering a Sender interface is pulled or not from then on.
 */
export async function writeDefaultModes(m: EntityManager, connectionId: string, adapter: OcpiVersionAdapter, endpoints: TheirEndpoint[]): Promise<void> {
  for (const module of CONNECTION_MODULES) {
    await m.query(
      `INSERT INTO connection_module_mode (connection_id, module, mode, chosen_by, updated_at) VALUES ($1, $2, $3, 'DEFAULT', now())
       ON CONFLICT (connection_id, module) DO UPDATE SET mode = EXCLUDED.mode, updated_at = now()
       WHERE connection_module_mode.chosen_by = 'DEFAULT' AND connection_module_mode.mode <> EXCLUDED.mode`,
      [connectionId, module, defaultMode(adapter, endpoints, module)],
    );
  }
}

/** Stores operations' choice of `mode` for one module (null: back to the default from the endpoints). */
export async function writeChosenMode(
  m: EntityManager,
  connectionId: string,
  module: ConnectionModule,
  mode: ModuleMode | null,
  adapter: OcpiVersionAdapter,
  endpoints: TheirEndpoint[],
): Promise<void> {
  await m.getRepository(ConnectionModuleModeEntity).save({
    connectionId,
    module,
    mode: mode ?? defaultMode(adapter, endpoints, module),
    chosenBy: mode === null ? 'DEFAULT' : 'OPERATOR',
    updatedAt: new Date(),
  });
}

/**
 * Stores operations' choice of the interval between scheduled pulls of one module: minutes, 0 for off, null for the
 * default. The mode is left as it is (a missing row gets the default mode from the endpoints).
 */
export async function writeChosenInterval(
  m: EntityManager,
  connectionId: string,
  module: ConnectionModule,
  intervalMinutes: number | null,
  adapter: OcpiVersionAdapter,
  endpoints: TheirEndpoint[],
): Promise<void> {
  await m.query(
    `INSERT INTO connection_module_mode (connection_id, module, mode, chosen_by, interval_minutes, updated_at) VALUES ($1, $2, $3, 'DEFAULT', $4, now())
     ON CONFLICT (connection_id, module) DO UPDATE SET interval_minutes = EXCLUDED.interval_minutes, updated_at = now()`,
    [connectionId, module, defaultMode(adapter, endpoints, module), intervalMinutes],
  );
}
