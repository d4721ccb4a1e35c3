/**
 * Whether an error means the database cannot be reached right now (restarting, shutting down, refusing connections),
 * as opposed to a fault of the request or of our code: then the caller should answer "retry later" (HTTP 503), and
 * nothing was stored (the transaction did not commit). Decided on closed sets: the PostgreSQL error severity (FATAL and
 * PANIC end the session), the SQLSTATE class 08 (connection exception), and Node's socket error codes.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 3; depth += 1) {
    const { severity, code } = e as { severity?: unknown; code?: unknown };
    if (severity === 'FATAL' || severity === 'PANIC') return true;
    if (typeof code === 'string' && (code.startsWith('08') || SOCKET_ERRORS.has(code))) return true;
    // TypeORM wraps the driver's error (QueryFailedError.driverError); Node wraps the cause of some errors.
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Node's error codes of a connection that could not be made or was lost. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
