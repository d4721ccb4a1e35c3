import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each stored CDR bent of the spec and we tolerated (issue 13): a list of { kind, field, example, count } as the
 * intake step found it for that CDR (e.g. PRICE_AS_NUMBER on total_cost), so finance can see which CDR arrived
 * off-spec; the per-connection, per-day counts stay in wire_deviation. CDRs stored before are taken as spec-perfect
 * ([]): what they bent was counted per day but not kept per CDR. A constant default adds the column without a table
 * rewrite on PostgreSQL 11+ and PGlite.
 */
export class CdrDeviations1796313000000 implements MigrationInterface {
  name = 'CdrDeviations1796313000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cdr ADD COLUMN deviations jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cdr DROP COLUMN IF EXISTS deviations`);
  }
}
