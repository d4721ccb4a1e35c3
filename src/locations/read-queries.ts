import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** The part of a pg Pool used here (TypeORM's PostgresDriver.master). */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs the read queries of the Location API as named prepared statements on PostgreSQL: each pooled session parses
 * and plans a statement once and then only binds parameters, which saves the planning and resending the long SQL
 * on every search (measured: the largest CPU costs after the query itself). Names come from a hash of the text, so
 * every distinct statement (one per combination of filters) is prepared once per session.
 * On the embedded PGlite every pooled connection shares ONE backend session, so a name prepared by one connection
 * would collide with the next connection preparing it: there queries run unnamed, as everywhere else (also when
 * DATABASE_URL points at a PGlite socket, as the tests do: the server's version() says so).
 */
@Injectable()
export class ReadQueries {
  private readonly pool: PgPool | null;
  /** Whether the server is a real PostgreSQL, not a PGlite behind a socket (tests point DATABASE_URL at one). */
  private named: Promise<boolean> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: AppConfig,
  ) {
    this.pool = config.env.DATABASE_URL ? ((db.driver as unknown as { master: PgPool }).master ?? null) : null;
  }

  /** Rows of `text` with `values` ($1…), parsed as TypeORM would (same pg type parsers). */
  async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    if (!this.pool) return this.db.query(text, values);
    this.named ??= this.db.query(`SELECT version() AS v`).then((r: Array<{ v: string }>) => !/PGlite/.test(r[0].v));
    if (!(await this.named)) return this.db.query(text, values);
    const name = `q_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    return (await this.pool.query({ name, text, values })).rows as T[];
  }
}
