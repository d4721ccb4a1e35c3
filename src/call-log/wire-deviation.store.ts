import { DataSource, EntityManager } from 'typeorm';
import { WireDeviationCount } from '../ocpi/wire/wire-deviation';

/** A day's (or several days') tally of one kind of deviation on one field, as operations see it. */
export interface WireDeviationView {
  module: string;
  kind: string;
  field: string;
  count: number;
  /** The last value seen (for unknown enum values, numbers as strings, offsets). */
  example: string | null;
  last_seen_at: string;
}

/**
 * Adds deviation counts to today's (UTC) row per (connection, module, kind, field), in one statement, through `m`: a
 * pulled or pushed page's transaction (the intake step), or the data source's manager (the credentials handshake,
 * module "versions").
 */
export async function addDeviations(m: EntityManager, connectionId: string, module: string, counts: WireDeviationCount[]): Promise<void> {
  if (counts.length === 0) return;
  await m.query(
    `INSERT INTO wire_deviation (connection_id, day, module, kind, field, count, example, last_seen_at)
     SELECT $1, $2::date, $3, x.kind, x.field, x.count, x.example, now()
     FROM jsonb_to_recordset($4::jsonb) AS x(kind text, field text, count int, example text)
     ON CONFLICT (connection_id, day, module, kind, field) DO UPDATE SET
       count = wire_deviation.count + EXCLUDED.count, example = coalesce(EXCLUDED.example, wire_deviation.example), last_seen_at = now()`,
    [connectionId, new Date().toISOString().slice(0, 10), module, JSON.stringify(counts.map((c) => ({ ...c, example: c.example ?? null })))],
  );
}

/** Deviations of one connection over the last `days` days (UTC, today included), summed per module, kind and field, most frequent first. */
export async function listDeviations(db: DataSource, connectionId: string, days: number): Promise<WireDeviationView[]> {
  const rows: Array<Omit<WireDeviationView, 'last_seen_at'> & { last_seen_at: Date }> = await db.query(
    `SELECT d.module, d.kind, d.field, sum(d.count)::int AS count,
       (array_agg(d.example ORDER BY d.last_seen_at DESC) FILTER (WHERE d.example IS NOT NULL))[1] AS example,
       max(d.last_seen_at) AS last_seen_at
     FROM wire_deviation d
     WHERE d.connection_id = $1 AND d.day > (now() AT TIME ZONE 'UTC')::date - $2::int
     GROUP BY d.module, d.kind, d.field ORDER BY count DESC, d.module, d.kind, d.field`,
    [connectionId, days],
  );
  return rows.map((r) => ({ ...r, example: r.example ?? null, last_seen_at: new Date(r.last_seen_at).toISOString() }));
}
