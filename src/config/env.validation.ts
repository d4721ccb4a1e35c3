import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync, ValidationError } from 'class-validator';

/**
 * Every setting the service reads, validated once at start-up. Missing or malformed settings stop the service
 * with one line each, all of them at once (see {@link loadEnvironment}). Defaults and descriptions are repeated in
 * .env.example; settings marked "secret" are never logged.
 */
export class Environment {
  /** PostgreSQL connection URL. When absent, an embedded PGlite database is used (see PGLITE_DATA_DIR). */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** Folder holding the embedded PGlite database when DATABASE_URL is absent; kept across restarts. */
  @IsString()
  PGLITE_DATA_DIR: string = '.data/pglite';

  /** Interface the HTTP server binds to. */
  @IsString()
  HOST: string = '127.0.0.1';

  /** TCP port of the HTTP server (0 picks a free one). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** Base URL at which CPOs reach this service, e.g. https://ocpi.example.com. Defaults to http://HOST:PORT. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_URL?: string;

  /** Secret: 32-byte key (64 hex characters) that encrypts the credentials tokens we send to CPOs (token C). */
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'must be 64 hexadecimal characters (a 32-byte key)' })
  TOKEN_ENCRYPTION_KEY: string;

  /**
   * Secret, only while rotating TOKEN_ENCRYPTION_KEY: the key it replaces. Tokens still under it are read with it and
   * re-encrypted under the new key at start-up; remove it once every instance runs with the new key.
   */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'must be 64 hexadecimal characters (a 32-byte key)' })
  TOKEN_ENCRYPTION_KEY_PREVIOUS?: string;

  /** Secret: API key of the operations endpoints (connecting CPOs, sync status, rejected objects). */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  OPERATIONS_API_KEY: string;

  /** Secret: API key of the internal API used by the mobile-app backend. */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  INTERNAL_API_KEY: string;

  /** Secret: API key of the finance API (stored CDRs and their recomputed cost); a client distinct from the app backend. */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  FINANCE_API_KEY: string;

  /** Our own OCPI identity as an eMSP: ISO-3166 alpha-2 country code. */
  @Matches(/^[A-Z]{2}$/, { message: 'must be two upper-case letters (ISO-3166 alpha-2)' })
  OCPI_COUNTRY_CODE: string = 'NL';

  /** Our own OCPI party_id (ISO-15118 provider id, 3 characters). */
  @Matches(/^[A-Z0-9]{3}$/, { message: 'must be three upper-case letters or digits' })
  OCPI_PARTY_ID: string = 'EMS';

  /** Our business name as sent in the credentials' business_details. */
  @IsString()
  OCPI_BUSINESS_NAME: string = 'Open eMSP';

  /** Per attempt of a call to a CPO: milliseconds to connect (DNS, TCP and TLS). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  OCPI_CONNECT_TIMEOUT_MS: number = 10000;

  /** Per attempt of a call to a CPO: milliseconds from sending the request to the first byte of the answer. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  OCPI_RESPONSE_TIMEOUT_MS: number = 30000;

  /** Per attempt of a call to a CPO: milliseconds from the first byte of the answer to its last, however it trickles. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  OCPI_BODY_TIMEOUT_MS: number = 60000;

  /** Largest answer we read from a CPO, in bytes (on the wire and once decompressed); a larger one fails unread. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1024)
  OCPI_MAX_RESPONSE_BYTES: number = 20 * 1024 * 1024;

  /** Page size we ask CPOs for when pulling (a CPO may answer with a smaller X-Limit). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  OCPI_PAGE_LIMIT: number = 100;

  /**
   * Pages of one paginated GET (a pull, a healing GET) after which we stop with an error naming this setting: a CPO
   * whose pages never end (a Link that always points further, full pages forever) cannot keep a pull running.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  OCPI_MAX_PAGES_PER_PULL: number = 10_000;

  /**
   * Largest request body we read, in bytes (every route; the OCPI Receiver interfaces are what it is for: one pushed
   * object per request). A larger one is refused with HTTP 413 naming the limit, before it is read whole. 10 MiB.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(65536)
  OCPI_MAX_BODY_BYTES: number = 10 * 1024 * 1024;

  /**
   * Largest CPO invoice file, in bytes, that finance may upload as a streamed text/csv body (POST
   * /api/v1/finance/invoices/csv; read as it arrives, never held whole, so not bound by OCPI_MAX_BODY_BYTES). A larger
   * one is refused with HTTP 413 and nothing imported. 1 GiB: about 8 million lines.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(65536)
  FINANCE_MAX_INVOICE_BYTES: number = 1024 * 1024 * 1024;

  /**
   * Largest object a CPO sends (pushed or in a pulled page), in bytes of JSON, that we take in and keep raw. A larger
   * one is rejected and kept in rejected_object cut to its first 64 KiB, marked with its size. 2 MiB: a Location with
   * a few hundred EVSEs, or a CDR with thousands of charging periods, stays well below it.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(65536)
  OCPI_MAX_OBJECT_BYTES: number = 2 * 1024 * 1024;

  /**
   * Calls in flight to one CPO at a time, per instance (a call beyond it waits for one to end): one CPO never gets more
   * than this from one instance, whatever runs at once (pulls of several modules, healing GETs, pushes).
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  OCPI_MAX_CALLS_PER_CPO: number = 4;

  /**
   * Seconds we wait for a command's CommandResult when the CPO's CommandResponse names no timeout (2.1.1 has none;
   * mod_commands 2.2.1 §CommandResponse Object requires one): after it the command is TIMEOUT.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  COMMAND_RESULT_TIMEOUT_SECONDS: number = 120;

  /**
   * Failed calls in a row, of the kinds that mean a CPO is unwell (timeouts, refused or reset connections, HTTP 5xx and
   * 429, OCPI 3000), after which its circuit opens: calls to it fail at once (CIRCUIT_OPEN) without being sent, on every
   * instance, until the backoff has passed and one probe call finds it back. 0 turns the circuit breaker off.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  CPO_CIRCUIT_FAILURES: number = 5;

  /** Milliseconds a CPO's circuit stays open the first time; doubled at each opening in a row (minus up to 20 % jitter). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  CPO_CIRCUIT_BACKOFF_MS: number = 30_000;

  /** The longest a CPO's circuit stays open at a time, ms (the cap of the doubling); at least CPO_CIRCUIT_BACKOFF_MS. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  CPO_CIRCUIT_MAX_BACKOFF_MS: number = 1_800_000;

  /**
   * The longest Retry-After (of a CPO's HTTP 429 or 503) honoured beyond the call that got it, in seconds: calls to that
   * CPO then pause (its circuit opens) until the time it named, at most this far ahead. 0: honoured only within a call.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  CPO_RETRY_AFTER_MAX_SECONDS: number = 3600;

  /**
   * The default interval of the pull schedules, in minutes: locations and CDRs every N, sessions every N/3, tariffs every
   * 4N (see module-modes.ts scheduleSettings); operations may set each (CPO, module) otherwise. 0: every schedule off
   * unless set per module.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  SYNC_INTERVAL_MINUTES: number = 15;

  /** Seconds after its registration before a new connection's first scheduled pull (room to press "sync now" first). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  SYNC_FIRST_PULL_DELAY_SECONDS: number = 60;

  /**
   * Scheduled pulls (jobs of the `pull` queue, one per CPO with the modules due) each instance works at the same time
   * (each CPO's modules one after the other): a slow or hung CPO then holds one of these places while the others are pulled.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  SYNC_MAX_CONCURRENT_CPOS: number = 4;

  /**
   * Seconds a pull's lease on (CPO, module) lasts unless renewed: how soon after an instance dies (kill -9, lost
   * machine) another one may pull that module again, and its run is closed as FAILED. Keep it well above
   * SYNC_LEASE_RENEW_SECONDS, so that one late renewal does not lose a lease.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(2)
  SYNC_LEASE_TTL_SECONDS: number = 30;

  /** Seconds between two renewals of a running pull's lease (a heartbeat, whatever the pages do); below SYNC_LEASE_TTL_SECONDS. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  SYNC_LEASE_RENEW_SECONDS: number = 5;

  /**
   * Seconds between two sweeps for pulls whose instance died (their run is closed as FAILED): a job on the queue that
   * every instance asks for, one per period whichever asks; 0: only the next pull of that module closes them.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  SYNC_LEASE_SWEEP_SECONDS: number = 30;

  /** Days a call-log entry is kept; older ones are deleted every hour. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  CALL_LOG_RETENTION_DAYS: number = 30;

  /**
   * Requests per minute one CPO (one credentials token) may make to our OCPI endpoints, per instance; beyond it HTTP 429
   * with Retry-After and an OCPI envelope. 0 disables the limit. A guard against a runaway client, not a throttle of
   * normal traffic: a CPO (or a Hub relaying several) pushing every EVSE status change of a large network can send
   * hundreds a second, hence 60,000 (1,000 a second) by default.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  OCPI_RATE_LIMIT_PER_MINUTE: number = 60000;

  /**
   * Milliseconds between two reads of what changed in the database, by the in-memory search index of the mobile-app
   * search (src/locations/search/index/); another instance's writes reach this one's searches within about this
   * long. 0 turns the index off: every search then goes to the database.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  SEARCH_INDEX_POLL_MS: number = 1000;

  /**
   * How far the JS heap's old generation may grow past what was live after a full collection before the next one, in
   * percent (V8's --heap-growing-percent; see src/common/runtime/heap-growth.ts). 0 leaves V8's own adaptive factor,
   * which let a pull of a large CPO reach about twice the RSS. Not a heap limit.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  HEAP_GROWING_PERCENT: number = 30;

  /**
   * Minutes after which an ACTIVE or PENDING Session without an update (its last_updated) is flagged STALE: the CPO
   * may have lost it, or stopped telling us.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  SESSION_STALE_MINUTES: number = 120;

  /**
   * Hours after its end after which a COMPLETED Session whose CDR we do not hold is flagged (CDR_OVERDUE, or
   * NO_CDR_FREE_CHARGE when the CPO stated a total_cost of 0: a free charge may never get a CDR).
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  SESSION_CDR_OVERDUE_HOURS: number = 48;

  /** Log level of the pino logger. */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}

/**
 * Raised when the environment is invalid; its message is what is printed before exiting: one line per setting that is
 * missing or invalid (all of them, so that an operator fixes them in one go, not one per restart).
 */
export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Validates `env` (normally process.env) into an {@link Environment}.
 * @throws EnvironmentError naming every invalid or missing setting and what it expects, one a line, e.g.
 *   "Invalid setting TOKEN_ENCRYPTION_KEY: must be 64 hexadecimal characters (a 32-byte key)".
 */
export function loadEnvironment(env: Record<string, string | undefined>): Environment {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  // A setting that no longer exists would otherwise be ignored without a word, and the operator believe it applies.
  const problems = Object.entries(REPLACED_SETTINGS)
    .filter(([name]) => name in present)
    .map(([name, replacement]) => `Setting ${name} no longer exists: ${replacement}`);
  const environment = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false, whitelist: false });
  problems.push(...errors.map(describe));
  // The pairs are compared only when both of their settings are valid on their own.
  const invalid = new Set(errors.map((e) => e.property));
  const both = (a: keyof Environment, b: keyof Environment) => !invalid.has(a) && !invalid.has(b);
  if (both('SYNC_LEASE_RENEW_SECONDS', 'SYNC_LEASE_TTL_SECONDS') && environment.SYNC_LEASE_RENEW_SECONDS >= environment.SYNC_LEASE_TTL_SECONDS) {
    problems.push(`Invalid setting SYNC_LEASE_RENEW_SECONDS: must be below SYNC_LEASE_TTL_SECONDS (${environment.SYNC_LEASE_TTL_SECONDS})`);
  }
  if (both('CPO_CIRCUIT_MAX_BACKOFF_MS', 'CPO_CIRCUIT_BACKOFF_MS') && environment.CPO_CIRCUIT_MAX_BACKOFF_MS < environment.CPO_CIRCUIT_BACKOFF_MS) {
    problems.push(`Invalid setting CPO_CIRCUIT_MAX_BACKOFF_MS: must be at least CPO_CIRCUIT_BACKOFF_MS (${environment.CPO_CIRCUIT_BACKOFF_MS})`);
  }
  if (problems.length > 0) throw new EnvironmentError(problems);
  return environment;
}

/** Settings of earlier releases, and what replaced them. */
const REPLACED_SETTINGS: Record<string, string> = {
  OCPI_REQUEST_TIMEOUT_MS:
    'each attempt of a call to a CPO now has three deadlines, OCPI_CONNECT_TIMEOUT_MS, OCPI_RESPONSE_TIMEOUT_MS (to the first byte) and OCPI_BODY_TIMEOUT_MS (the whole body)',
};

/** "Missing setting X: required; <what it must be>" or "Invalid setting X: <what it must be>", every rule it breaks. */
function describe(error: ValidationError): string {
  // class-validator's default messages start with the property's name ("PORT must be an integer number"): said once.
  // Listed in the order the decorators are written (class-validator keeps them last first).
  const reasons = Object.values(error.constraints ?? {})
    .reverse()
    .map((reason) => reason.replace(new RegExp(`^${error.property} `), ''));
  const expected = reasons.join(', ') || 'is invalid';
  if (error.value === undefined) return `Missing setting ${error.property}: required; ${expected}`;
  return `Invalid setting ${error.property}: ${expected}`;
}
