import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CanonicalSession, SessionStatus } from './session.model';

/** When a Session is flagged (settings SESSION_STALE_MINUTES, SESSION_CDR_OVERDUE_HOURS). */
export interface SessionFlagSettings {
  staleMinutes: number;
  cdrOverdueHours: number;
}

/** A stored Session with what our tables say about it. Instants ISO-8601 UTC. */
export interface HeldSession {
  /** Our id (uuid). */
  id: string;
  connection_id: string | null;
  /** The version of the last whole Session or PATCH stored. */
  ocpi_version: string;
  session: CanonicalSession;
  changed_at: string;
  /** The CDR of this session, once we hold both (our CDR id and its OCPI id). */
  cdr: { id: string; cdr_id: string } | null;
  /** ACTIVE or PENDING and not updated (last_updated) for staleMinutes. */
  stale: boolean;
  /**
   * COMPLETED, we hold no CDR of it, and it ended (else was last updated) more than cdrOverdueHours ago. Never for a
   * Session of OCPI 2.1.1, whose CDRs name no session: there is no CDR we could link.
   */
  cdr_missing: boolean;
}

interface HeldRow {
  id: string;
  connection_id: string | null;
  ocpi_version: string;
  mapped: CanonicalSession;
  changed_at: Date;
  cdr_id: string | null;
  cdr_ocpi_id: string | null;
  stale: boolean;
  cdr_missing: boolean;
}

/** The flag columns, one rule for a single Session, lists and counts; $1 now, $2 stale minutes, $3 overdue hours. */
const FLAGS = `(s.status IN ('ACTIVE', 'PENDING') AND s.last_updated < $1::timestamptz - make_interval(mins => $2::int)) AS stale,
  (s.status = 'COMPLETED' AND s.cdr_id IS NULL AND s.ocpi_version <> '2.1.1'
    AND coalesce(s.end_date_time, s.last_updated) < $1::timestamptz - make_interval(hours => $3::int)) AS cdr_missing`;

const COLUMNS = `s.id, s.connection_id, s.ocpi_version, s.mapped, s.changed_at, s.cdr_id, c.ocpi_id AS cdr_ocpi_id, ${FLAGS}`;

/** Reads stored Sessions for the app and operations (the table SessionStore writes). */
@Injectable()
export class SessionReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The Session with our id `id`; null when we hold none (or `id` is no uuid). */
  async findById(id: string, now: Date, settings: SessionFlagSettings): Promise<HeldSession | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const rows = await this.db.query<HeldRow[]>(`SELECT ${COLUMNS} FROM session s LEFT JOIN cdr c ON c.id = s.cdr_id WHERE s.id = $4`, [
      now.toISOString(),
      settings.staleMinutes,
      settings.cdrOverdueHours,
      id,
    ]);
    return rows.length > 0 ? toHeld(rows[0]) : null;
  }

  /**
   * The Sessions of one token, newest start first: by CdrToken.uid (2.2.1+), or by contract id (CdrToken.contract_id;
   * 2.1.1 auth_id). `statuses` narrows them (none: all).
   */
  async listByToken(
    by: { token_uid: string } | { contract_id: string },
    options: { statuses: SessionStatus[] | null; limit: number },
    now: Date,
    settings: SessionFlagSettings,
  ): Promise<HeldSession[]> {
    const [column, value] = 'token_uid' in by ? ['token_uid', by.token_uid] : ['contract_id', by.contract_id];
    const rows = await this.db.query<HeldRow[]>(
      `SELECT ${COLUMNS} FROM session s LEFT JOIN cdr c ON c.id = s.cdr_id
       WHERE s.${column} = $4 AND ($5::text[] IS NULL OR s.status = ANY($5::text[]))
       ORDER BY s.start_date_time DESC, s.id LIMIT $6`,
      [now.toISOString(), settings.staleMinutes, settings.cdrOverdueHours, value, options.statuses, options.limit],
    );
    return rows.map(toHeld);
  }

  /** How many of one connection's Sessions are flagged, per flag (for operations). */
  async countFlagged(connectionId: string, now: Date, settings: SessionFlagSettings): Promise<{ stale: number; cdr_overdue: number; no_cdr_free_charge: number }> {
    const [row] = await this.db.query<Array<{ stale: number; cdr_overdue: number; no_cdr_free_charge: number }>>(
      `SELECT count(*) FILTER (WHERE f.stale)::int AS stale,
         count(*) FILTER (WHERE f.cdr_missing AND coalesce(f.stated_before_taxes <> 0, true))::int AS cdr_overdue,
         count(*) FILTER (WHERE f.cdr_missing AND f.stated_before_taxes = 0)::int AS no_cdr_free_charge
       FROM (SELECT s.stated_before_taxes, ${FLAGS} FROM session s WHERE s.connection_id = $4 AND s.status IN ('ACTIVE', 'PENDING', 'COMPLETED')) f`,
      [now.toISOString(), settings.staleMinutes, settings.cdrOverdueHours, connectionId],
    );
    return row;
  }
}

function toHeld(r: HeldRow): HeldSession {
  return {
    id: r.id,
    connection_id: r.connection_id,
    ocpi_version: r.ocpi_version,
    session: r.mapped,
    changed_at: new Date(r.changed_at).toISOString(),
    cdr: r.cdr_id && r.cdr_ocpi_id ? { id: r.cdr_id, cdr_id: r.cdr_ocpi_id } : null,
    stale: r.stale,
    cdr_missing: r.cdr_missing,
  };
}
