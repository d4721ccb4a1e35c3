import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { storableCopy } from '../common/json/storable-text';
import { ClientInfo, ClientInfoStatus } from './client-info';

/** A ClientInfo we hold for a Hub connection, with the raw object and when we took it. */
export interface HeldClientInfo extends ClientInfo {
  raw: unknown;
  received_at: Date;
}

/** What {@link HubClientInfoStore.put} did: a new party, a newer copy, or nothing (ours is as new or newer). */
export type ClientInfoPutOutcome = 'CREATED' | 'UPDATED' | 'KEPT';

interface Row {
  country_code: string;
  party_id: string;
  role: string;
  status: ClientInfoStatus;
  last_updated: Date;
  received_at: Date;
  raw: unknown;
}

/**
 * The ClientInfo each Hub connection announced (mod_hub_client_info 2.2.1 §ClientInfo Object), in hub_client_info.
 * Pulled or pushed, a copy replaces the one held only when its last_updated is newer ("Timestamps and Objects send via
 * Hubs": the Hub keeps last_updated; an older copy arriving late changes nothing). The Hub owns these objects: they are
 * never deleted but with the connection (a party that left is SUSPENDED).
 */
@Injectable()
export class HubClientInfoStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores `info` of Hub connection `connectionId` unless we hold it as new or newer; `raw` kept as sent (made storable). */
  async put(connectionId: string, info: ClientInfo, raw: unknown): Promise<ClientInfoPutOutcome> {
    const held = await this.db.query<Array<{ inserted: boolean }>>(
      `INSERT INTO hub_client_info AS h (connection_id, country_code, party_id, role, status, last_updated, received_at, raw)
       VALUES ($1, $2, $3, $4, $5, $6, now(), $7::jsonb)
       ON CONFLICT (connection_id, country_code, party_id, role) DO UPDATE
         SET status = EXCLUDED.status, last_updated = EXCLUDED.last_updated, received_at = EXCLUDED.received_at, raw = EXCLUDED.raw
         WHERE h.last_updated < EXCLUDED.last_updated
       RETURNING (xmax = 0) AS inserted`,
      [connectionId, info.country_code, info.party_id, info.role, info.status, info.last_updated, JSON.stringify(storableCopy(raw))],
    );
    if (held.length === 0) return 'KEPT';
    return held[0].inserted ? 'CREATED' : 'UPDATED';
  }

  /**
   * Forgets the ClientInfo of a Hub connection that a full list from its Sender interface did not name (§GET Method:
   * "Any older information that is not specified in the response is considered as no longer valid"), except what
   * reached us since `since` (a push while the list was on its way). @returns how many were forgotten.
   */
  async forgetUnlisted(connectionId: string, listed: Array<Pick<ClientInfo, 'country_code' | 'party_id' | 'role'>>, since: Date): Promise<number> {
    const keys = listed.map((c) => `${c.country_code}*${c.party_id}*${c.role}`);
    // A CTE, so the answer is one row whatever the driver makes of a DELETE's result.
    const [gone] = await this.db.query<Array<{ n: number }>>(
      `WITH gone AS (
         DELETE FROM hub_client_info WHERE connection_id = $1 AND received_at < $2
           AND NOT (country_code || '*' || party_id || '*' || role = ANY($3::text[]))
         RETURNING id)
       SELECT count(*)::int AS n FROM gone`,
      [connectionId, since, keys],
    );
    return gone.n;
  }

  /** Every ClientInfo of one Hub connection, by party. */
  async list(connectionId: string): Promise<HeldClientInfo[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT country_code, party_id, role, status, last_updated, received_at, raw FROM hub_client_info
       WHERE connection_id = $1 ORDER BY country_code, party_id, role`,
      [connectionId],
    );
    return rows.map(held);
  }

  /** The ClientInfo of party (country_code, party_id) a Hub connection holds, one per role, newest first. */
  async ofParty(connectionId: string, countryCode: string, partyId: string): Promise<HeldClientInfo[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT country_code, party_id, role, status, last_updated, received_at, raw FROM hub_client_info
       WHERE connection_id = $1 AND country_code = $2 AND party_id = $3 ORDER BY last_updated DESC`,
      [connectionId, countryCode.toUpperCase(), partyId.toUpperCase()],
    );
    return rows.map(held);
  }

  /** The parties of `role` a Hub connection announced, whatever their status. */
  async ofRole(connectionId: string, role: string): Promise<HeldClientInfo[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT country_code, party_id, role, status, last_updated, received_at, raw FROM hub_client_info
       WHERE connection_id = $1 AND role = $2 ORDER BY country_code, party_id`,
      [connectionId, role],
    );
    return rows.map(held);
  }
}

function held(row: Row): HeldClientInfo {
  return { ...row, last_updated: new Date(row.last_updated), received_at: new Date(row.received_at) };
}
