import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';

/** The CPO a log line is about: our connection id and its parties as `CC*PID`, comma-separated. */
export interface CpoLogFields {
  connection_id: string;
  party: string;
}

/** A connection's parties as one log field, e.g. `NL*ABC,BE*ABC`. */
export function partyField(parties: ReadonlyArray<{ countryCode: string; partyId: string }>): string {
  return [...new Set(parties.map((p) => `${p.countryCode}*${p.partyId}`))].join(',');
}

/**
 * Runs `work` so that every line logged through Nest's Logger inside it (and in whatever it awaits or starts) carries
 * `fields`, on top of those of the enclosing request, if any: nestjs-pino reads the logger of its AsyncLocalStorage
 * store, which is replaced here by a child logger for the duration of `work`. Used for work outside a request, e.g.
 * a pull of a CPO. Without a configured logger (no LoggerModule) runs `work` as it is.
 */
export function withLogFields<T>(fields: Record<string, unknown>, work: () => T): T {
  // root is unset until a LoggerModule's middleware exists, whatever its type says.
  const root: PinoLogger['logger'] | undefined = PinoLogger.root;
  const base = storage.getStore()?.logger ?? root;
  if (!base) return work();
  return storage.run(new Store(base.child(fields)), work);
}

/**
 * Adds `fields` to every later log line of the current request (nestjs-pino's request-scoped logger); does nothing
 * outside a request.
 */
export function assignLogFields(fields: Record<string, unknown>): void {
  const store = storage.getStore();
  if (!store) return;
  store.logger = store.logger.child(fields);
  // The "request completed" line (LOG_LEVEL debug) is written by the response's logger.
  store.responseLogger?.setBindings(fields);
}
