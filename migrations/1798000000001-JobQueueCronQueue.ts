import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * pg-boss's own queue of its cron schedules (`__pgboss__send-it`: the due scheduled jobs go through it), created here
 * under the migration lock. pg-boss creates it itself at every start when cron is on, with its own create_queue, whose
 * partition DDL deadlocks with another instance creating a queue at the same moment (see JobQueue.createQueue); once
 * the queue exists that call inserts nothing and runs no DDL. Options as pg-boss gives them (policy standard, the
 * rest its defaults).
 */
export class JobQueueCronQueue1798000000001 implements MigrationInterface {
  name = 'JobQueueCronQueue1798000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SELECT pgboss.create_queue('__pgboss__send-it', '{"policy": "standard"}'::json)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SELECT pgboss.delete_queue('__pgboss__send-it')`);
  }
}
