/**
 * The two ceilings of the pull benchmark: the same generated Locations, EVSEs and Connectors the simulator serves,
 * written straight into the same tables with pg (no HTTP, no OCPI, no validation, no Nest), on a fresh database
 * migrated as the service migrates its own (src/database/migrate.ts), measured in the same run as the pull:
 *   upsert-batches  per page of `batchSize` Locations, one transaction of three multi-row upserts (location, evse,
 *                   connector), each batch one jsonb parameter unpacked with jsonb_to_recordset, on the conflict keys
 *                   of src/locations/location.store.ts ((country_code, party_id, ocpi_id), (location_id, uid),
 *                   (evse_id, ocpi_id)); without its route bookkeeping, its "unchanged or older" conditions and its
 *                   deletes of EVSEs and Connectors no longer listed
 *   copy-staging    one transaction: COPY … FROM STDIN (text format) of all rows into three temporary staging tables,
 *                   then one INSERT … SELECT … ON CONFLICT upsert per table (EVSEs and Connectors find their parent
 *                   rows by the natural keys)
 * Both store the raw wire Location (jsonb) as the service does; the row mapping is a plain field copy done here.
 * On PGlite the database is started in this process behind the same socket server the service uses
 * (src/database/embedded-postgres.ts), so pg reaches it over the wire protocol as the service does; except for the
 * COPY, which that socket server does not carry: there the rows go through PGlite's own API, `COPY … FROM '/dev/blob'`.
 * With pg, COPY usually comes from pg-copy-streams; it is not a dependency here, so CopyFromStdin below speaks the COPY
 * sub-protocol through pg's Submittable interface (the one pg-copy-streams uses): CopyData messages, then CopyDone.
 * Timing: from the first statement to the last commit, the row mapping included (the database exists and is migrated).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { Client, type Submittable } from 'pg';
import type { Location } from '../test/cpo-simulator';
import { migrateDatabase } from '../src/database/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/database/embedded-postgres';
import { createBenchDatabase, type BenchDatabase, type DatabaseKind } from './bench-database';
import { round } from './stats';

export type CeilingMethod = 'upsert-batches' | 'copy-staging';

/** One ceiling run: wall time, rows written (locations + EVSEs + connectors) and the rates. */
export interface PullCeilingRun {
  method: CeilingMethod;
  description: string;
  wallMs: number;
  locations: number;
  evses: number;
  connectors: number;
  rows: number;
  rowsPerSecond: number;
  locationsPerSecond: number;
  /** copy-staging only: ms per step (copyMs, analyzeMs, locationUpsertMs, evseUpsertMs, connectorUpsertMs, commitMs). */
  steps?: Record<string, number>;
}

const DESCRIPTIONS: Record<CeilingMethod, (batchSize: number, kind: DatabaseKind) => string> = {
  'upsert-batches': (n) => `pg, per ${n} Locations one transaction of 3 multi-row upserts (jsonb_to_recordset)`,
  'copy-staging': (_, kind) =>
    `${kind === 'pglite' ? "PGlite's API in-process, COPY FROM '/dev/blob'" : 'pg, COPY FROM STDIN'} into 3 staging tables, then 1 INSERT … SELECT … ON CONFLICT per table, one transaction`,
};

/** Runs both ceilings on `kind`, each on a fresh database, and checks that every row arrived. */
export async function benchPullCeilings(
  kind: DatabaseKind,
  locations: readonly Location[],
  batchSize: number,
  onRun: (run: PullCeilingRun) => void = () => undefined,
): Promise<PullCeilingRun[]> {
  const runs: PullCeilingRun[] = [];
  for (const method of ['upsert-batches', 'copy-staging'] as const) {
    const database = await createBenchDatabase(kind, process.env.DATABASE_URL);
    let sql: Sql | undefined;
    let steps: Record<string, number> | undefined;
    try {
      const connectionId = await migrateAndRegister(database);
      sql = method === 'copy-staging' && kind === 'pglite' ? await pgliteSql(database.env.PGLITE_DATA_DIR) : await pgSql(database);
      const t0 = performance.now();
      if (method === 'upsert-batches') await upsertBatches(sql, connectionId, locations, batchSize);
      else steps = await copyStaging(sql, connectionId, locations);
      const wallMs = performance.now() - t0;
      const [c] = await sql.query<{ locations: number; evses: number; connectors: number }>(
        `SELECT (SELECT count(*) FROM location)::int AS locations, (SELECT count(*) FROM evse)::int AS evses, (SELECT count(*) FROM connector)::int AS connectors`,
      );
      const expected = expectedCounts(locations);
      if (c.locations !== expected.locations || c.evses !== expected.evses || c.connectors !== expected.connectors) {
        throw new Error(`${method}: wrote ${JSON.stringify(c)}, expected ${JSON.stringify(expected)}`);
      }
      const total = c.locations + c.evses + c.connectors;
      runs.push({
        method,
        description: DESCRIPTIONS[method](batchSize, kind),
        wallMs: round(wallMs),
        ...c,
        rows: total,
        rowsPerSecond: round(total / (wallMs / 1000)),
        locationsPerSecond: round(c.locations / (wallMs / 1000)),
        ...(steps ? { steps } : {}),
      });
      onRun(runs[runs.length - 1]);
    } finally {
      await sql?.close();
      await database.remove();
    }
  }
  return runs;
}

/** What the ceilings need of a database session: queries in order on one session, and COPY of text-format rows into a table. */
interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  copyIn(table: string, chunks: Iterable<Buffer>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Migrates the fresh database as the service does at start-up and adds the connection row the Locations belong to.
 * On PGlite, through the service's own embedded server, stopped again afterwards (one process holds the data folder).
 */
async function migrateAndRegister(database: BenchDatabase): Promise<string> {
  let embedded: EmbeddedPostgres | undefined;
  try {
    if (database.kind === 'pglite') embedded = await startEmbeddedPostgres({ dataDir: database.env.PGLITE_DATA_DIR, maxConnections: 4 });
    const url = embedded ? embedded.url : database.env.DATABASE_URL;
    await migrateDatabase(url, { exclusive: false });
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(`INSERT INTO cpo_connection (name, status) VALUES ('Bench ceiling', 'REGISTERED') RETURNING id`);
      return rows[0].id;
    } finally {
      await client.end();
    }
  } finally {
    await embedded?.stop();
  }
}

/**
 * One pg client: to the PostgreSQL database, or to PGlite behind the service's embedded server (the way the service
 * reaches it). COPY … FROM STDIN through CopyFromStdin.
 */
async function pgSql(database: BenchDatabase): Promise<Sql> {
  const embedded = database.kind === 'pglite' ? await startEmbeddedPostgres({ dataDir: database.env.PGLITE_DATA_DIR, maxConnections: 4 }) : undefined;
  const client = new Client({ connectionString: embedded ? embedded.url : database.env.DATABASE_URL });
  // A dead connection fails the query under way; without a listener pg would also throw it at the process.
  client.on('error', () => undefined);
  await client.connect();
  return {
    query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[],
    copyIn: async (table, chunks) => {
      const copy = new CopyFromStdin(`COPY ${table} FROM STDIN`, chunks);
      client.query(copy);
      await copy.done;
    },
    close: async () => {
      await client.end();
      await embedded?.stop();
    },
  };
}

/**
 * PGlite's own API in this process, for the COPY ceiling only: PGlite's socket server does not carry COPY … FROM STDIN
 * (the sub-protocol needs several round trips in one request; the session loses its sync), so the rows go in as
 * PGlite does COPY, from a Blob (`COPY … FROM '/dev/blob'`).
 */
async function pgliteSql(dataDir: string): Promise<Sql> {
  const db = await PGlite.create({ dataDir });
  return {
    query: async <T>(text: string, params?: unknown[]) => (await db.query<T>(text, params)).rows,
    // One COPY per few MiB: a whole 50,000-Location table in one Blob would sit in the WebAssembly heap at once.
    copyIn: async (table, chunks) => {
      let parts: Buffer[] = [];
      let size = 0;
      const flush = async () => {
        if (parts.length > 0) await db.query(`COPY ${table} FROM '/dev/blob'`, [], { blob: new Blob(parts) });
        parts = [];
        size = 0;
      };
      for (const chunk of chunks) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= PGLITE_COPY_BYTES) await flush();
      }
      await flush();
    },
    close: () => db.close(),
  };
}

function expectedCounts(locations: readonly Location[]) {
  let evses = 0;
  let connectors = 0;
  for (const l of locations) {
    evses += l.evses.length;
    for (const e of l.evses) connectors += e.connectors.length;
  }
  return { locations: locations.length, evses, connectors };
}

// The row shapes, a plain copy of the wire fields (what the service's mapping yields for this generator's objects).

function locationRow(l: Location) {
  return {
    country_code: l.country_code,
    party_id: l.party_id,
    ocpi_id: l.id,
    publish: l.publish,
    name: l.name ?? null,
    address: l.address,
    city: l.city,
    postal_code: l.postal_code ?? null,
    country: l.country,
    latitude: Number(l.coordinates.latitude),
    longitude: Number(l.coordinates.longitude),
    parking_type: l.parking_type ?? null,
    time_zone: l.time_zone,
    opening_times: l.opening_times ?? null,
    charging_when_closed: l.charging_when_closed ?? true,
    facilities: l.facilities ?? [],
    operator: l.operator ?? null,
    last_updated: l.last_updated,
    raw: l,
  };
}

function evseRows(l: Location) {
  return l.evses.map((e) => ({
    uid: e.uid,
    evse_id: e.evse_id ?? null,
    status: e.status,
    capabilities: e.capabilities ?? [],
    floor_level: e.floor_level ?? null,
    physical_reference: e.physical_reference ?? null,
    parking_restrictions: e.parking_restrictions ?? [],
    last_updated: e.last_updated,
  }));
}

function connectorRows(e: Location['evses'][number]) {
  return e.connectors.map((c) => ({
    ocpi_id: c.id,
    standard: c.standard,
    format: c.format,
    power_type: c.power_type,
    max_voltage: c.max_voltage,
    max_amperage: c.max_amperage,
    max_electric_power: c.max_electric_power ?? null,
    tariff_ids: c.tariff_ids ?? [],
    last_updated: c.last_updated,
  }));
}

const LOCATION_COLUMNS = `country_code text, party_id text, ocpi_id text, publish boolean, name text, address text, city text,
  postal_code text, country text, latitude float8, longitude float8, parking_type text, time_zone text, opening_times jsonb,
  charging_when_closed boolean, facilities text[], operator jsonb, last_updated timestamptz, raw jsonb`;
const EVSE_COLUMNS = `uid text, evse_id text, status text, capabilities text[], floor_level text, physical_reference text,
  parking_restrictions text[], last_updated timestamptz`;
const CONNECTOR_COLUMNS = `ocpi_id text, standard text, format text, power_type text, max_voltage integer, max_amperage integer,
  max_electric_power integer, tariff_ids text[], last_updated timestamptz`;

/** The three upserts, from a row source `x` of the shapes above ($1 = connection id for the Locations). */
const UPSERT_LOCATION = (from: string) => `INSERT INTO location (connection_id, route_rank, ocpi_version, country_code, party_id, ocpi_id,
    publish, name, address, city, postal_code, country, latitude, longitude, geo, parking_type, time_zone, opening_times,
    charging_when_closed, facilities, operator, last_updated, raw, stored_at)
  SELECT $1, 0, '2.2.1', x.country_code, x.party_id, x.ocpi_id, x.publish, x.name, x.address, x.city, x.postal_code, x.country,
    x.latitude, x.longitude, point(x.longitude, x.latitude), x.parking_type, x.time_zone, x.opening_times, x.charging_when_closed,
    x.facilities, x.operator, x.last_updated, x.raw, now()
  FROM ${from}
  ON CONFLICT (country_code, party_id, ocpi_id) DO UPDATE SET
    connection_id = EXCLUDED.connection_id, publish = EXCLUDED.publish, name = EXCLUDED.name, address = EXCLUDED.address,
    city = EXCLUDED.city, postal_code = EXCLUDED.postal_code, country = EXCLUDED.country, latitude = EXCLUDED.latitude,
    longitude = EXCLUDED.longitude, geo = EXCLUDED.geo, parking_type = EXCLUDED.parking_type, time_zone = EXCLUDED.time_zone,
    opening_times = EXCLUDED.opening_times, charging_when_closed = EXCLUDED.charging_when_closed,
    facilities = EXCLUDED.facilities, operator = EXCLUDED.operator, last_updated = EXCLUDED.last_updated, raw = EXCLUDED.raw,
    stored_at = now()`;
const EVSE_SET = `ON CONFLICT (location_id, uid) DO UPDATE SET
    evse_id = EXCLUDED.evse_id, status = EXCLUDED.status, capabilities = EXCLUDED.capabilities, floor_level = EXCLUDED.floor_level,
    physical_reference = EXCLUDED.physical_reference, parking_restrictions = EXCLUDED.parking_restrictions,
    last_updated = EXCLUDED.last_updated, stored_at = now()`;
const CONNECTOR_SET = `ON CONFLICT (evse_id, ocpi_id) DO UPDATE SET
    standard = EXCLUDED.standard, format = EXCLUDED.format, power_type = EXCLUDED.power_type, max_voltage = EXCLUDED.max_voltage,
    max_amperage = EXCLUDED.max_amperage, max_electric_power = EXCLUDED.max_electric_power, tariff_ids = EXCLUDED.tariff_ids,
    last_updated = EXCLUDED.last_updated, stored_at = now()`;

/** Ceiling (a): per batch, one transaction of three multi-row upserts, ids carried from each to the next as the store does. */
async function upsertBatches(client: Sql, connectionId: string, locations: readonly Location[], batchSize: number): Promise<void> {
  for (let start = 0; start < locations.length; start += batchSize) {
    const batch = locations.slice(start, start + batchSize);
    await client.query('BEGIN');
    const written = await client.query<{ id: string; ocpi_id: string }>(`${UPSERT_LOCATION(`jsonb_to_recordset($2::jsonb) AS x(${LOCATION_COLUMNS})`)} RETURNING id, ocpi_id`, [
      connectionId,
      JSON.stringify(batch.map(locationRow)),
    ]);
    const locationIds = new Map(written.map((r) => [r.ocpi_id, r.id]));
    const evses = batch.flatMap((l) => evseRows(l).map((e) => ({ location_id: locationIds.get(l.id), ...e })));
    const evseWritten = await client.query<{ id: string; location_id: string; uid: string }>(
      `INSERT INTO evse (location_id, uid, evse_id, status, status_changed_at, capabilities, floor_level, physical_reference,
         parking_restrictions, last_updated, stored_at)
       SELECT x.location_id, x.uid, x.evse_id, x.status, x.last_updated, x.capabilities, x.floor_level, x.physical_reference,
         x.parking_restrictions, x.last_updated, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(location_id uuid, ${EVSE_COLUMNS})
       ${EVSE_SET} RETURNING id, location_id, uid`,
      [JSON.stringify(evses)],
    );
    const evseIds = new Map(evseWritten.map((r) => [`${r.location_id}|${r.uid}`, r.id]));
    const connectors = batch.flatMap((l) => l.evses.flatMap((e) => connectorRows(e).map((c) => ({ evse_id: evseIds.get(`${locationIds.get(l.id)}|${e.uid}`), ...c }))));
    await client.query(
      `INSERT INTO connector (evse_id, ocpi_id, standard, format, power_type, max_voltage, max_amperage, max_electric_power, tariff_ids,
         last_updated, stored_at)
       SELECT x.evse_id, x.ocpi_id, x.standard, x.format, x.power_type, x.max_voltage, x.max_amperage, x.max_electric_power,
         x.tariff_ids, x.last_updated, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(evse_id uuid, ${CONNECTOR_COLUMNS})
       ${CONNECTOR_SET}`,
      [JSON.stringify(connectors)],
    );
    await client.query('COMMIT');
  }
}

/** Ceiling (b): COPY of every row into staging tables, then one upsert per table, in one transaction. */
async function copyStaging(client: Sql, connectionId: string, locations: readonly Location[]): Promise<Record<string, number>> {
  const steps: Record<string, number> = {};
  let t = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    steps[name] = round(now - t);
    t = now;
  };
  await client.query('BEGIN');
  await client.query(`CREATE TEMP TABLE stage_location (${LOCATION_COLUMNS}) ON COMMIT DROP`);
  await client.query(`CREATE TEMP TABLE stage_evse (country_code text, party_id text, location_ocpi_id text, ${EVSE_COLUMNS}) ON COMMIT DROP`);
  await client.query(`CREATE TEMP TABLE stage_connector (country_code text, party_id text, location_ocpi_id text, evse_uid text, ${CONNECTOR_COLUMNS}) ON COMMIT DROP`);
  await copyFrom(
    client,
    'stage_location',
    locations.map((l) => Object.values(locationRow(l))),
  );
  await copyFrom(
    client,
    'stage_evse',
    locations.flatMap((l) => evseRows(l).map((e) => [l.country_code, l.party_id, l.id, ...Object.values(e)])),
  );
  await copyFrom(
    client,
    'stage_connector',
    locations.flatMap((l) => l.evses.flatMap((e) => connectorRows(e).map((c) => [l.country_code, l.party_id, l.id, e.uid, ...Object.values(c)]))),
  );
  step('copyMs');
  // Planner statistics for the joins below (temporary tables get none otherwise).
  await client.query('ANALYZE stage_location, stage_evse, stage_connector');
  step('analyzeMs');
  await client.query(UPSERT_LOCATION('stage_location x'), [connectionId]);
  step('locationUpsertMs');
  await client.query(
    `INSERT INTO evse (location_id, uid, evse_id, status, status_changed_at, capabilities, floor_level, physical_reference,
       parking_restrictions, last_updated, stored_at)
     SELECT l.id, x.uid, x.evse_id, x.status, x.last_updated, x.capabilities, x.floor_level, x.physical_reference,
       x.parking_restrictions, x.last_updated, now()
     FROM stage_evse x JOIN location l ON l.country_code = x.country_code AND l.party_id = x.party_id AND l.ocpi_id = x.location_ocpi_id
     ${EVSE_SET}`,
  );
  step('evseUpsertMs');
  await client.query(
    `INSERT INTO connector (evse_id, ocpi_id, standard, format, power_type, max_voltage, max_amperage, max_electric_power, tariff_ids,
       last_updated, stored_at)
     SELECT e.id, x.ocpi_id, x.standard, x.format, x.power_type, x.max_voltage, x.max_amperage, x.max_electric_power, x.tariff_ids,
       x.last_updated, now()
     FROM stage_connector x
     JOIN location l ON l.country_code = x.country_code AND l.party_id = x.party_id AND l.ocpi_id = x.location_ocpi_id
     JOIN evse e ON e.location_id = l.id AND e.uid = x.evse_uid
     ${CONNECTOR_SET}`,
  );
  step('connectorUpsertMs');
  await client.query('COMMIT');
  step('commitMs');
  return steps;
}

/** Bytes of text-format rows per COPY FROM '/dev/blob' on PGlite. */
const PGLITE_COPY_BYTES = 8 * 1024 * 1024;

/** Rows per CopyData chunk: big enough to amortise the messages, small enough to keep memory flat. */
const COPY_CHUNK_ROWS = 500;

function copyFrom(client: Sql, table: string, rows: unknown[][]): Promise<void> {
  return client.copyIn(
    table,
    (function* () {
      for (let i = 0; i < rows.length; i += COPY_CHUNK_ROWS) {
        yield Buffer.from(
          rows
            .slice(i, i + COPY_CHUNK_ROWS)
            .map((r) => `${r.map(copyValue).join('\t')}\n`)
            .join(''),
        );
      }
    })(),
  );
}

/** The parts of pg's Connection a COPY FROM STDIN uses (pg/lib/connection.js). */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  stream: Writable;
}

/**
 * A COPY … FROM STDIN as a pg Submittable: sends the statement, answers CopyInResponse with the chunks as CopyData
 * (waiting for the socket to drain), then CopyDone; `done` resolves with the rows copied at ReadyForQuery, or rejects
 * with the server's error (pg hands an ErrorResponse to the active query and does not call it again).
 */
class CopyFromStdin implements Submittable {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private rows = 0;
  private failed = false;

  constructor(
    private readonly sql: string,
    private readonly chunks: Iterable<Buffer>,
  ) {
    this.done = new Promise((resolve, reject) => ((this.resolve = resolve), (this.reject = reject)));
  }

  submit(connection: unknown): void {
    (connection as PgConnection).query(this.sql);
  }

  handleCopyInResponse(connection: PgConnection): void {
    void (async () => {
      for (const chunk of this.chunks) {
        if (this.failed) return;
        connection.sendCopyFromChunk(chunk);
        if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
      }
      connection.endCopyFrom();
    })();
  }

  handleCommandComplete(message: { text: string }): void {
    this.rows = Number(/^COPY (\d+)/.exec(message.text)?.[1] ?? 0);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve(this.rows);
  }

  handleError(error: Error): void {
    this.failed = true;
    this.reject(error);
  }

  // Messages a COPY FROM STDIN does not get; pg calls these on any active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** One value in COPY's text format: \N for null, arrays (of strings here) as PostgreSQL array literals, objects as JSON; escaped. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return escapeCopy(`{${(value as string[]).map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  if (typeof value === 'object') return escapeCopy(JSON.stringify(value));
  return escapeCopy(value as string);
}

function escapeCopy(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
