import { EntityManager } from 'typeorm';
import { OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { adapterFor } from '../ocpi/versions/version-registry';
import { ConnectionModule, ConnectionModuleModeEntity, CpoConnectionEntity, ModuleMode, TheirEndpoint } from './cpo-connection.entity';

/** Every module with a mode, in pull order (tariffs first: CDRs are priced with them). */
export const CONNECTION_MODULES: readonly ConnectionModule[] = ['tariffs', 'locations', 'sessions', 'cdrs'];

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
