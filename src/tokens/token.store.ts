import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { HeldTokenRow } from './held-token';
import { CanonicalToken, TokenFields, TokenType } from './token.model';

/** A Token with the change number that orders it among every change (see the migration Tokens1798300000000). */
export interface StoredToken extends CanonicalToken {
  change_seq: number;
}

/** Which Tokens a connection's CPO sees: ALL (the default), NONE, or GROUPS (only those whose group_id is listed). */
export type TokenScope = { kind: 'ALL' } | { kind: 'NONE' } | { kind: 'GROUPS'; group_ids: string[] };

/** A connection's scope with its change number. */
export interface StoredTokenScope {
  connection_id: string;
  scope: TokenScope;
  change_seq: number;
}

/**
 * Every writer of token and token_scope takes this transaction-scoped advisory lock before drawing change numbers, so
 * the numbers commit in the order they were drawn: an instance reading "changes past N" never skips one that commits
 * later with a smaller number. Token writes come from the app backend, a few per second: the lock costs nothing there.
 */
const TOKEN_WRITE_LOCK = 7_298_300_001;

/** The columns a change may set (the identity, uid and type, is not among them). */
const CHANGEABLE: ReadonlySet<string> = new Set([
  'contract_id',
  'visual_number',
  'issuer',
  'group_id',
  'valid',
  'whitelist',
  'language',
  'default_profile_type',
  'energy_contract',
  'valid_until',
  'denial',
]);

const COLUMNS = `uid, type, contract_id, visual_number, issuer, group_id, valid, whitelist, language, default_profile_type,
  energy_contract, valid_until, denial, last_updated, change_seq`;

interface TokenRow {
  uid: string;
  type: TokenType;
  contract_id: string;
  visual_number: string | null;
  issuer: string;
  group_id: string | null;
  valid: boolean;
  whitelist: CanonicalToken['whitelist'];
  language: string | null;
  default_profile_type: CanonicalToken['default_profile_type'];
  energy_contract: CanonicalToken['energy_contract'];
  valid_until: Date | null;
  denial: CanonicalToken['denial'];
  last_updated: Date;
  change_seq: string;
}

function fromRow(r: TokenRow): StoredToken {
  return {
    uid: r.uid,
    type: r.type,
    contract_id: r.contract_id,
    visual_number: r.visual_number,
    issuer: r.issuer,
    group_id: r.group_id,
    valid: r.valid,
    whitelist: r.whitelist,
    language: r.language,
    default_profile_type: r.default_profile_type,
    energy_contract: r.energy_contract,
    valid_until: r.valid_until ? r.valid_until.toISOString() : null,
    denial: r.denial,
    last_updated: r.last_updated.toISOString(),
    change_seq: Number(r.change_seq),
  };
}

interface ScopeRow {
  connection_id: string;
  kind: TokenScope['kind'];
  group_ids: string[];
  change_seq: string;
}

function scopeFromRow(r: ScopeRow): StoredTokenScope {
  const scope: TokenScope = r.kind === 'GROUPS' ? { kind: 'GROUPS', group_ids: r.group_ids } : { kind: r.kind };
  return { connection_id: r.connection_id, scope, change_seq: Number(r.change_seq) };
}

/** The SQL condition "this Token is in the scope", on alias t, with the scope's group ids as parameter $n. */
function scopeCondition(scope: TokenScope, n: number): { sql: string; params: unknown[] } {
  switch (scope.kind) {
    case 'ALL':
      return { sql: 'TRUE', params: [] };
    case 'NONE':
      return { sql: 'FALSE', params: [] };
    case 'GROUPS':
      return { sql: `t.group_id = ANY($${n}::text[])`, params: [scope.group_ids] };
  }
}

/** Keyset position in the internal list: after this (lower(uid), type). */
export interface TokenCursor {
  uid: string;
  type: TokenType;
}

/** The token, token_scope tables: our Tokens (mod_tokens), written by the app backend, read by CPOs and the cache. */
@Injectable()
export class TokenStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private async locked<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [TOKEN_WRITE_LOCK]);
      return work(m);
    });
  }

  /** Creates or replaces Tokens by (uid case-insensitive, type), in one transaction; each with whether it was new. */
  async upsert(tokens: TokenFields[], onlyNew = false): Promise<Array<{ token: StoredToken; created: boolean } | null>> {
    if (tokens.length === 0) return [];
    return this.locked(async (m) => {
      const rows: Array<TokenRow & { created: boolean }> = await m.query(
        `INSERT INTO token (uid, type, contract_id, visual_number, issuer, group_id, valid, whitelist, language, default_profile_type,
           energy_contract, valid_until, denial, last_updated, change_seq)
         SELECT x.uid, x.type, x.contract_id, x.visual_number, x.issuer, x.group_id, x.valid, x.whitelist, x.language,
           x.default_profile_type, x.energy_contract, x.valid_until, x.denial, clock_timestamp(), nextval('token_change_seq')
         FROM jsonb_to_recordset($1::jsonb) AS x(uid text, type text, contract_id text, visual_number text, issuer text,
           group_id text, valid boolean, whitelist text, language text, default_profile_type text, energy_contract jsonb,
           valid_until timestamptz, denial text)
         ON CONFLICT (lower(uid), type) DO ${
           onlyNew
             ? 'NOTHING'
             : `UPDATE SET uid = EXCLUDED.uid, contract_id = EXCLUDED.contract_id,
           visual_number = EXCLUDED.visual_number, issuer = EXCLUDED.issuer, group_id = EXCLUDED.group_id, valid = EXCLUDED.valid,
           whitelist = EXCLUDED.whitelist, language = EXCLUDED.language, default_profile_type = EXCLUDED.default_profile_type,
           energy_contract = EXCLUDED.energy_contract, valid_until = EXCLUDED.valid_until, denial = EXCLUDED.denial,
           last_updated = EXCLUDED.last_updated, change_seq = EXCLUDED.change_seq`
         }
         RETURNING ${COLUMNS}, (xmax = 0) AS created`,
        [JSON.stringify(tokens)],
      );
      const byKey = new Map(rows.map((r) => [`${r.type}|${r.uid.toLowerCase()}`, r]));
      return tokens.map((t) => {
        const r = byKey.get(`${t.type}|${t.uid.toLowerCase()}`);
        return r ? { token: fromRow(r), created: r.created } : null;
      });
    });
  }

  /** Applies `change` to one Token (last_updated bumped); null when there is none. */
  async update(type: TokenType, uid: string, change: Partial<TokenFields>): Promise<StoredToken | null> {
    const names = Object.keys(change).filter((k) => CHANGEABLE.has(k)) as Array<keyof TokenFields>;
    const sets = names.map((name, i) => `${name} = $${i + 3}${name === 'energy_contract' ? '::jsonb' : ''}`);
    const values = names.map((name) => (name === 'energy_contract' && change.energy_contract ? JSON.stringify(change.energy_contract) : change[name]));
    return this.locked(async (m) => {
      const [rows]: [TokenRow[], number] = await m.query(
        `UPDATE token SET ${[...sets, `last_updated = clock_timestamp()`, `change_seq = nextval('token_change_seq')`].join(', ')}
         WHERE lower(uid) = lower($1) AND type = $2 RETURNING ${COLUMNS}`,
        [uid, type, ...values],
      );
      return rows[0] ? fromRow(rows[0]) : null;
    });
  }

  /** One Token by (uid case-insensitive, type), or null. */
  async get(type: TokenType, uid: string): Promise<StoredToken | null> {
    const [row]: TokenRow[] = await this.db.query(`SELECT ${COLUMNS} FROM token WHERE lower(uid) = lower($1) AND type = $2`, [uid, type]);
    return row ? fromRow(row) : null;
  }

  /** The Tokens of `keys` (type, uid case-insensitive) that exist, in any order: one query for many (a chunk of pushes). */
  async getMany(keys: ReadonlyArray<{ type: TokenType; uid: string }>): Promise<StoredToken[]> {
    if (keys.length === 0) return [];
    // One Token (a single push, the commonest: a block) by the plain lookup: with the set form for it too, block → PATCH
    // p50 was 15 ms instead of 12 (`npm run bench -- --only block`).
    if (keys.length === 1) {
      const token = await this.get(keys[0].type, keys[0].uid);
      return token ? [token] : [];
    }
    const rows: TokenRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM token WHERE (lower(uid), type) IN (SELECT lower(k.uid), k.type FROM unnest($1::text[], $2::text[]) AS k(type, uid))`,
      [keys.map((k) => k.type), keys.map((k) => k.uid)],
    );
    return rows.map(fromRow);
  }

  /** Tokens in (lower(uid), type) order after `after`, at most `limit` (the internal API's keyset paging). */
  async list(limit: number, after: TokenCursor | null): Promise<StoredToken[]> {
    const rows: TokenRow[] = after
      ? await this.db.query(`SELECT ${COLUMNS} FROM token WHERE (lower(uid), type) > (lower($1), $2) ORDER BY lower(uid), type LIMIT $3`, [after.uid, after.type, limit])
      : await this.db.query(`SELECT ${COLUMNS} FROM token ORDER BY lower(uid), type LIMIT $1`, [limit]);
    return rows.map(fromRow);
  }

  /** Tokens changed after change number `seq`, in change order, at most `limit` (the cache catching up). */
  async changedSince(seq: number, limit: number): Promise<StoredToken[]> {
    const rows: TokenRow[] = await this.db.query(`SELECT ${COLUMNS} FROM token WHERE change_seq > $1 ORDER BY change_seq LIMIT $2`, [seq, limit]);
    return rows.map(fromRow);
  }

  /**
   * As changedSince, in the lean form the in-memory copy is built from (timestamps as epoch ms: no Date per row, the
   * value postgres-date would give, which drops what is below the millisecond).
   */
  async heldChangedSince(seq: number, limit: number): Promise<HeldTokenRow[]> {
    const rows: Array<Omit<HeldTokenRow, 'valid_until_ms' | 'last_updated_ms' | 'change_seq'> & { valid_until_ms: string | null; last_updated_ms: string; change_seq: string }> =
      await this.db.query(
        `SELECT uid, type, contract_id, visual_number, issuer, group_id, valid, whitelist, language, default_profile_type, energy_contract,
           floor(extract(epoch FROM valid_until) * 1000)::int8 AS valid_until_ms, denial,
           floor(extract(epoch FROM last_updated) * 1000)::int8 AS last_updated_ms, change_seq
         FROM token WHERE change_seq > $1 ORDER BY change_seq LIMIT $2`,
        [seq, limit],
      );
    return rows.map((r) => ({
      ...r,
      valid_until_ms: r.valid_until_ms === null ? null : Number(r.valid_until_ms),
      last_updated_ms: Number(r.last_updated_ms),
      change_seq: Number(r.change_seq),
    }));
  }

  /**
   * One page of the Tokens Sender interface (mod_tokens 2.2.1 §GET Method): Tokens in `scope` of `types`, last_updated
   * in [from, to), ordered by last_updated then id (stable across pages), with the total matching.
   */
  async senderPage(q: {
    scope: TokenScope;
    types: readonly TokenType[];
    from: string | null;
    to: string | null;
    offset: number;
    limit: number;
  }): Promise<{ tokens: StoredToken[]; total: number }> {
    const scope = scopeCondition(q.scope, 4);
    const where = `t.type = ANY($1::text[]) AND ($2::timestamptz IS NULL OR t.last_updated >= $2) AND ($3::timestamptz IS NULL OR t.last_updated < $3) AND ${scope.sql}`;
    const params = [q.types, q.from, q.to, ...scope.params];
    const n = params.length;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<TokenRow[]>(`SELECT ${COLUMNS.replace(/(\w+)/g, 't.$1')} FROM token t WHERE ${where} ORDER BY t.last_updated, t.id OFFSET $${n + 1} LIMIT $${n + 2}`, [
        ...params,
        q.offset,
        q.limit,
      ]),
      this.db.query<Array<{ total: number }>>(`SELECT count(*)::int AS total FROM token t WHERE ${where}`, params),
    ]);
    return { tokens: rows.map(fromRow), total };
  }

  /**
   * Sets a connection's scope; resolves to the scope it had before (ALL when none was set) and the change number of
   * this one (token_change_seq), null when there is no such connection.
   */
  async setScope(connectionId: string, scope: TokenScope): Promise<{ before: TokenScope; changeSeq: number } | null> {
    return this.locked(async (m) => {
      const [exists] = await m.query<unknown[]>(`SELECT 1 FROM cpo_connection WHERE id = $1`, [connectionId]);
      if (!exists) return null;
      // Read under the writers' lock: no other change of this scope can come between the read and the write.
      const [before] = await m.query<ScopeRow[]>(`SELECT connection_id, kind, group_ids, change_seq FROM token_scope WHERE connection_id = $1`, [connectionId]);
      const [{ change_seq }] = await m.query<Array<{ change_seq: string }>>(
        `INSERT INTO token_scope (connection_id, kind, group_ids, change_seq, updated_at) VALUES ($1, $2, $3, nextval('token_change_seq'), now())
         ON CONFLICT (connection_id) DO UPDATE SET kind = EXCLUDED.kind, group_ids = EXCLUDED.group_ids, change_seq = EXCLUDED.change_seq, updated_at = EXCLUDED.updated_at
         RETURNING change_seq`,
        [connectionId, scope.kind, scope.kind === 'GROUPS' ? scope.group_ids : []],
      );
      return { before: before ? scopeFromRow(before).scope : { kind: 'ALL' }, changeSeq: Number(change_seq) };
    });
  }

  /** Whether a CPO connection with this id exists (any status). */
  async connectionExists(connectionId: string): Promise<boolean> {
    const [exists] = await this.db.query<unknown[]>(`SELECT 1 FROM cpo_connection WHERE id = $1`, [connectionId]);
    return exists !== undefined;
  }

  /**
   * Tokens in scope `after` that were not in scope `before` (a scope change brings them to the CPO), in change order
   * after change number `afterSeq`, at most `limit` (a Token changed meanwhile may move past the pages read: its own
   * change pushes it).
   */
  async enteringScope(before: TokenScope, after: TokenScope, afterSeq: number, limit: number): Promise<StoredToken[]> {
    const now = scopeCondition(after, 3);
    const was = scopeCondition(before, 3 + now.params.length);
    const rows: TokenRow[] = await this.db.query(
      `SELECT ${COLUMNS.replace(/(\w+)/g, 't.$1')} FROM token t WHERE t.change_seq > $1 AND ${now.sql} AND NOT COALESCE(${was.sql}, FALSE) ORDER BY t.change_seq LIMIT $2`,
      [afterSeq, limit, ...now.params, ...was.params],
    );
    return rows.map(fromRow);
  }

  /** A connection's scope (ALL when none was set). */
  async scopeOf(connectionId: string): Promise<TokenScope> {
    const [row] = await this.db.query<ScopeRow[]>(`SELECT connection_id, kind, group_ids, change_seq FROM token_scope WHERE connection_id = $1`, [connectionId]);
    return row ? scopeFromRow(row).scope : { kind: 'ALL' };
  }

  /** Scopes changed after change number `seq` (the cache catching up); a deleted connection's scope simply goes. */
  async scopesChangedSince(seq: number): Promise<StoredTokenScope[]> {
    const rows = await this.db.query<ScopeRow[]>(`SELECT connection_id, kind, group_ids, change_seq FROM token_scope WHERE change_seq > $1 ORDER BY change_seq`, [seq]);
    return rows.map(scopeFromRow);
  }
}
