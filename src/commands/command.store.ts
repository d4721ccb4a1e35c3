import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CommandRequest, CommandResponse, CommandResult, CommandType } from '../ocpi/adapter/command-wire';
import { CommandState } from './command.model';

/** A command as stored (table command). Times are Dates (UTC). */
export interface StoredCommand {
  id: string;
  connection_id: string;
  ocpi_version: string;
  command: CommandType;
  /** The version-neutral request (its token reduced to type and uid). */
  request: Record<string, unknown>;
  token_uid: string | null;
  token_type: string | null;
  authorization_reference: string | null;
  session_id: string | null;
  state: CommandState;
  error: string | null;
  response: string | null;
  response_timeout: number | null;
  response_message: unknown;
  responded_at: Date | null;
  deadline_at: Date | null;
  result: string | null;
  result_message: unknown;
  result_at: Date | null;
  timed_out_at: Date | null;
  created_at: Date;
}

/** The Session a command is linked to: ours (id) and the CPO's (session_id), with its status. */
export interface LinkedSession {
  id: string;
  session_id: string;
  status: string;
}

/** Reads and writes the command table; every state change is one conditional UPDATE, safe across instances. */
@Injectable()
export class CommandStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(id: string, connectionId: string, version: string, request: CommandRequest): Promise<void> {
    const token = 'token' in request ? request.token : null;
    const stored = token ? { ...request, token: { type: token.type, uid: token.uid } } : request;
    await this.db.query(
      `INSERT INTO command (id, connection_id, ocpi_version, command, request, token_uid, token_type, authorization_reference, session_id, state)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, 'SENDING')`,
      [
        id,
        connectionId,
        version,
        request.command,
        JSON.stringify(stored),
        token?.uid ?? null,
        token?.type ?? null,
        'authorization_reference' in request ? request.authorization_reference : null,
        request.command === 'STOP_SESSION' ? request.session_id : null,
      ],
    );
  }

  /** The call failed: NOT_SENT with the reason, unless a result came meanwhile. */
  async notSent(id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE command SET state = CASE WHEN result IS NULL THEN 'NOT_SENT' ELSE state END, error = $2, updated_at = now() WHERE id = $1`, [id, error]);
  }

  /**
   * The CPO's CommandResponse; `state` is what it makes of the command, kept only when no result arrived meanwhile (a
   * CPO may post the result before its answer to our POST reaches us).
   */
  async responded(id: string, response: CommandResponse, state: CommandState, deadline: Date | null): Promise<void> {
    await this.db.query(
      `UPDATE command SET response = $2, response_timeout = $3, response_message = $4::jsonb, responded_at = now(), deadline_at = $5,
         state = CASE WHEN result IS NULL THEN $6 ELSE state END, updated_at = now()
       WHERE id = $1`,
      [id, response.result, response.timeout, JSON.stringify(response.message ?? null), deadline, state],
    );
  }

  /** A CommandResult for the command `id` of `connectionId` and `command`; false when there is no such command. */
  async resulted(id: string, connectionId: string, command: CommandType, result: CommandResult): Promise<boolean> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE command SET result = $4, result_message = $5::jsonb, result_at = now(), state = $4, updated_at = now()
       WHERE id = $1 AND connection_id = $2 AND command = $3 RETURNING id`,
      [id, connectionId, command, result.result, JSON.stringify(result.message ?? null)],
    );
    return rows.length > 0;
  }

  /** No result by the deadline: TIMEOUT, unless a result came (or the command was never accepted). */
  async timedOut(id: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE command SET state = 'TIMEOUT', timed_out_at = now(), updated_at = now() WHERE id = $1 AND result IS NULL AND state = 'AWAITING_RESULT' RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async get(id: string): Promise<StoredCommand | null> {
    const [row]: StoredCommand[] = await this.db.query(`SELECT * FROM command WHERE id = $1`, [id]);
    return row ?? null;
  }

  /**
   * The Session a command is about: for STOP_SESSION the one it names; for START_SESSION and RESERVE_NOW the one of the
   * same connection carrying its authorization_reference (2.2+), or in 2.1.1 (no reference) the first with its Token
   * at its Location first received after the command was created.
   */
  async linkedSession(c: StoredCommand): Promise<LinkedSession | null> {
    let rows: LinkedSession[] = [];
    if (c.command === 'STOP_SESSION' && c.session_id) {
      rows = await this.db.query(`SELECT id, ocpi_id AS session_id, status FROM session WHERE connection_id = $1 AND ocpi_id = $2 LIMIT 1`, [c.connection_id, c.session_id]);
    } else if (c.authorization_reference) {
      rows = await this.db.query(
        `SELECT id, ocpi_id AS session_id, status FROM session WHERE connection_id = $1 AND mapped->>'authorization_reference' = $2 ORDER BY first_received_at LIMIT 1`,
        [c.connection_id, c.authorization_reference],
      );
    } else if (c.command === 'START_SESSION' && c.token_uid) {
      rows = await this.db.query(
        `SELECT id, ocpi_id AS session_id, status FROM session
         WHERE connection_id = $1 AND lower(token_uid) = lower($2) AND location_id = $3 AND first_received_at >= $4 ORDER BY first_received_at LIMIT 1`,
        [c.connection_id, c.token_uid, (c.request as { location_id?: string }).location_id ?? '', c.created_at],
      );
    }
    return rows[0] ?? null;
  }
}
