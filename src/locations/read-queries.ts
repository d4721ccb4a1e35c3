import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** The part of a pg client used here. */
interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** The part of a pg Pool used here (TypeORM's PostgresDriver.master). */
interface PgPool extends PgQueryable {
  connect(): Promise<
    PgQueryable & {
      query(text: string): Promise<unknown>;
      release(error?: Error): void;
      on(event: 'error', listener: (error: Error) => void): void;
      off(event: 'error', listener: (error: Error) => void): void;
    }
  >;
}

/** Runs one read query (as ReadQueries.rows). */
export type RowsFn = <T>(text: string, values: unknown[]) => Promise<T[]>;

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
    if (!this.pool || !(await this.isNamed())) return this.db.query(text, values);
    return this.namedRows<T>(this.pool, text, values);
  }

  /**
   * Runs `fn`'s queries (prepared as rows() prepares them) on one pooled session, in a read-only transaction without
   * JIT compilation (`SET LOCAL jit = off`): for statements whose plan is a nested loop of index lookups forced by
   * their shape (LATERAL … OFFSET 0) but whose cost the planner overestimates while statistics lag (a table never
   * analyzed since a first large pull): PostgreSQL would otherwise JIT-compile them on every run, which costs far
   * more than running them (measured: 160 ms of 189). On PGlite (no JIT, one session) `fn` simply uses rows().
   */
  async withoutJit<T>(fn: (rows: RowsFn) => Promise<T>): Promise<T> {
    if (!this.pool || !(await this.isNamed())) return fn((text, values) => this.rows(text, values));
    const client = await this.pool.connect();
    // A checked-out client whose connection is cut between two queries (a database restart) emits 'error' with no
    // query to fail: the pool listens only to idle clients, so without this the process would crash. The next query
    // fails on the dead connection, and the client is released as broken.
    let lost: Error | null = null;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    try {
      await client.query(`BEGIN READ ONLY; SET LOCAL jit = off`);
      const result = await fn((text, values) => this.namedRows(client, text, values));
      await client.query(`COMMIT`);
      client.off('error', onError);
      client.release(lost ?? undefined);
      return result;
    } catch (error) {
      // A session left inside a failed transaction must not go back to the pool.
      client.off('error', onError);
      client.release(error as Error);
      throw error;
    }
  }

  private isNamed(): Promise<boolean> {
    this.named ??= this.db.query(`SELECT version() AS v`).then((r: Array<{ v: string }>) => !/PGlite/.test(r[0].v));
    return this.named;
  }

  private async namedRows<T>(session: PgQueryable, text: string, values: unknown[]): Promise<T[]> {
    const name = `q_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    return (await session.query({ name, text, values })).rows as T[];
  }
}
