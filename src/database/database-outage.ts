import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

/**
 * SQLSTATEs that mean the server or our session went away rather than that the statement was wrong: class 08
 * (connection exception) and 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now: a restart).
 */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08']);
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
/** Socket errors of the driver while connecting or talking to the server. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * True when `error` says the database was unreachable (restarting, connection cut, not accepting connections), so the
 * same work may succeed once it is back and nothing of it was committed; false for an error about the statement
 * itself. Decided on codes: a server error carries a SQLSTATE, and its severity FATAL or PANIC ends the session
 * whatever the code (e.g. 55000 "not currently accepting connections", 53300 too many connections); a query that failed
 * without one (pg's "connection terminated") lost its connection; a connect that failed carries a socket error code.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (cause instanceof DatabaseError) {
    if (cause.severity === 'FATAL' || cause.severity === 'PANIC') return true;
    const code = cause.code ?? '';
    return UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SQLSTATE_CLASSES.has(code.slice(0, 2));
  }
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return UNAVAILABLE_SOCKET_CODES.has(code);
  // A query that failed with no code at all: the driver lost the connection under it.
  return error instanceof QueryFailedError;
}

/**
 * Runs `work`, again and again while it fails because the database is unavailable (see {@link isDatabaseUnavailable}),
 * waiting 0.25 s, then twice as long each time up to 2 s, for at most `withinMs`; `onRetry` hears of each wait. Only for
 * work that may safely run twice (one transaction, idempotent writes): a commit whose acknowledgement was lost is
 * done again. @throws the last error when it is of another kind or the time is up.
 */
export async function retryWhileDatabaseUnavailable<T>(work: () => Promise<T>, withinMs: number, onRetry?: (error: unknown, waitMs: number) => void): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let waitMs = 250; ; waitMs = Math.min(waitMs * 2, 2000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + waitMs > deadline) throw error;
      onRetry?.(error, waitMs);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
