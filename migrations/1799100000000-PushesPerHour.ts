import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's health page (issue 18): push_hourly counts the pushes each CPO made to our Receiver interfaces, per UTC
 * hour, module and result (ACCEPTED, REJECTED, FAILED, as ocpi_pushes_received_total). Every instance adds its own
 * counts (INSERT … ON CONFLICT DO UPDATE SET count = count + EXCLUDED.count), so the rows are the sum over instances;
 * Prometheus' counter is per process and gone at a restart. Rows older than 30 days are deleted by each
 * instance once an hour (see push-hourly.ts).
 */
export class PushesPerHour1799100000000 implements MigrationInterface {
  name = 'PushesPerHour1799100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE push_hourly (
        connection_id uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        hour          timestamptz NOT NULL,
        module        text NOT NULL,
        result        text NOT NULL CHECK (result IN ('ACCEPTED', 'REJECTED', 'FAILED')),
        count         integer NOT NULL,
        PRIMARY KEY (connection_id, hour, module, result)
      )`);
    // The health page reads the last day of every CPO at once.
    await q.query(`CREATE INDEX push_hourly_hour_idx ON push_hourly (hour)`);
    // The rejected-objects page counts per CPO and module.
    await q.query(`CREATE INDEX rejected_object_module_idx ON rejected_object (connection_id, module, received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS rejected_object_module_idx`);
    await q.query(`DROP TABLE IF EXISTS push_hourly`);
  }
}
