import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { readNewToken, readTokenChange, readTokenType, TokenInputReading } from './token-input';
import { readTokenCsv } from './token-csv';
import { CanonicalToken, TokenFields, TokenType } from './token.model';
import { TokenCache } from './token-cache';
import { TokenChangeKind, TokenChanges } from './token-changes';
import { StoredToken, TokenCursor, TokenScope, TokenStore } from './token.store';

/** A Token as the internal API shows it (every field we hold, without our change number). */
export type TokenView = CanonicalToken;

/** What an import did: how many were new, how many replaced, and each refused one with its position and problems. */
export interface TokenImportOutcome {
  created: number;
  updated: number;
  rejected: Array<{ index: number; errors: string[] }>;
}

/** What a CSV import did: as {@link TokenImportOutcome}, each refused line named by its line number (1 = the header). */
export interface TokenCsvImportOutcome {
  created: number;
  updated: number;
  rejected: Array<{ line: number; errors: string[] }>;
}

/** At most this many Tokens per import request. */
export const MAX_IMPORT = 10_000;
/** Rows per INSERT within one import. */
const CHUNK = 2_000;

function view(t: StoredToken): TokenView {
  const { change_seq: _seq, ...token } = t;
  return token;
}

function encodeCursor(t: TokenCursor): string {
  return Buffer.from(JSON.stringify([t.uid, t.type])).toString('base64url');
}

function decodeCursor(cursor: string): TokenCursor {
  try {
    const [uid, type] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    const t = readTokenType(type);
    if (typeof uid === 'string' && t) return { uid, type: t };
  } catch {
    // falls through to the 400
  }
  throw new BadRequestException('cursor is not one this API gave (use meta.next_cursor as is)');
}

/** The type in a path: one of TOKEN_TYPES. @throws BadRequestException naming it. */
export function typeParam(value: string): TokenType {
  const type = readTokenType(value);
  if (!type) throw new BadRequestException(`type must be one of AD_HOC_USER, APP_USER, EMAID, OTHER, RFID (got ${JSON.stringify(value)})`);
  return type;
}

/**
 * Managing our Tokens for the app backend (internal API). Every change bumps last_updated and reaches this
 * instance's TokenCache at once, the others' within TOKEN_REFRESH_MS.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly store: TokenStore,
    private readonly cache: TokenCache,
    private readonly changes: TokenChanges,
  ) {}

  /** @throws BadRequestException listing each problem by field; ConflictException when (uid, type) exists. */
  async create(raw: unknown): Promise<TokenView> {
    const reading = readNewToken(raw);
    if (!reading.ok) throw new BadRequestException(reading.errors);
    const [done] = await this.store.upsert([reading.value], true);
    if (!done) throw new ConflictException(`a Token with uid ${reading.value.uid} and type ${reading.value.type} exists (change it with PATCH)`);
    this.cache.apply([done.token]);
    await this.changes.announce([done.token], 'CHANGE');
    return view(done.token);
  }

  /** @throws BadRequestException, NotFoundException */
  async update(type: TokenType, uid: string, raw: unknown): Promise<TokenView> {
    const reading = readTokenChange(raw);
    if (!reading.ok) throw new BadRequestException(reading.errors);
    return this.change(type, uid, reading.value, 'CHANGE');
  }

  /** valid = false: every authorization answers BLOCKED from now on (mod_tokens §AllowedType). @throws NotFoundException */
  block(type: TokenType, uid: string): Promise<TokenView> {
    return this.change(type, uid, { valid: false }, 'BLOCK');
  }

  private async change(type: TokenType, uid: string, change: Partial<TokenFields>, kind: TokenChangeKind): Promise<TokenView> {
    const token = await this.store.update(type, uid, change);
    if (!token) throw new NotFoundException(`no Token with uid ${uid} and type ${type}`);
    this.cache.apply([token]);
    await this.changes.announce([token], kind);
    return view(token);
  }

  /** @throws NotFoundException */
  async get(type: TokenType, uid: string): Promise<TokenView> {
    const token = await this.store.get(type, uid);
    if (!token) throw new NotFoundException(`no Token with uid ${uid} and type ${type}`);
    return view(token);
  }

  /** A page in (uid case-insensitive, type) order, and the cursor of the next (null on the last). */
  async list(limit: number, cursor: string | undefined): Promise<{ data: TokenView[]; next_cursor: string | null }> {
    const tokens = await this.store.list(limit + 1, cursor ? decodeCursor(cursor) : null);
    const page = tokens.slice(0, limit);
    const last = page[page.length - 1];
    return { data: page.map(view), next_cursor: tokens.length > limit && last ? encodeCursor(last) : null };
  }

  /**
   * Creates or replaces many Tokens (a JSON array of Token objects as POST /api/v1/tokens takes them): each invalid one
   * is refused with its index and problems, the valid ones are stored all the same; a (uid, type) given twice keeps the
   * later one and refuses the earlier. @throws BadRequestException when the body is no array or too long.
   */
  async import(raw: unknown): Promise<TokenImportOutcome> {
    if (!Array.isArray(raw)) throw new BadRequestException('body must be a JSON array of Tokens');
    if (raw.length > MAX_IMPORT) throw new BadRequestException(`at most ${MAX_IMPORT} Tokens per import (got ${raw.length})`);
    const items = raw.map((item, index) => ({ at: index, reading: readNewToken(item, `[${index}].`) }));
    const { created, updated, rejected } = await this.importReadings(items, (at) => `[${at}]`);
    return { created, updated, rejected: rejected.map(({ at, errors }) => ({ index: at, errors })) };
  }

  /**
   * The same import from CSV (see readTokenCsv: a header of the JSON field names, one Token a line): each line is checked
   * as a JSON item is, with the same messages prefixed by its line number ("line 3: type must be one of …"); bad lines
   * are refused by line number, the good ones stored; a (uid, type) given twice keeps the later line.
   * @throws BadRequestException when the text is no CSV, its header is wrong, or it holds more than MAX_IMPORT lines.
   */
  async importCsv(text: unknown): Promise<TokenCsvImportOutcome> {
    if (typeof text !== 'string') throw new BadRequestException('body must be CSV text (Content-Type: text/csv)');
    const lines = readTokenCsv(text);
    if (lines.length > MAX_IMPORT) throw new BadRequestException(`at most ${MAX_IMPORT} Tokens per import (got ${lines.length} lines)`);
    const items = lines.map((l) => ({ at: l.line, reading: l.ok ? readNewToken(l.raw, `line ${l.line}: `) : { ok: false as const, errors: l.errors } }));
    const { created, updated, rejected } = await this.importReadings(items, (at) => `line ${at}`);
    return { created, updated, rejected: rejected.map(({ at, errors }) => ({ line: at, errors })) };
  }

  /** Stores the valid readings (the later of a repeated uid and type wins), refusing the rest at their position `at`, named by `name`. */
  private async importReadings(
    items: Array<{ at: number; reading: TokenInputReading<TokenFields> }>,
    name: (at: number) => string,
  ): Promise<{ created: number; updated: number; rejected: Array<{ at: number; errors: string[] }> }> {
    const rejected: Array<{ at: number; errors: string[] }> = [];
    const valid = new Map<string, { at: number; fields: TokenFields }>();
    for (const { at, reading } of items) {
      if (!reading.ok) {
        rejected.push({ at, errors: reading.errors });
        continue;
      }
      const key = `${reading.value.type}|${reading.value.uid.toLowerCase()}`;
      const earlier = valid.get(key);
      if (earlier) rejected.push({ at: earlier.at, errors: [`${name(earlier.at)} has the same uid and type as ${name(at)}, which replaces it`] });
      valid.delete(key);
      valid.set(key, { at, fields: reading.value });
    }
    const fields = [...valid.values()].map((v) => v.fields);
    let created = 0;
    let updated = 0;
    for (let i = 0; i < fields.length; i += CHUNK) {
      const done = await this.store.upsert(fields.slice(i, i + CHUNK));
      const stored = done.filter((d): d is NonNullable<typeof d> => d !== null);
      this.cache.apply(stored.map((d) => d.token));
      await this.changes.announce(
        stored.map((d) => d.token),
        'CHANGE',
      );
      created += stored.filter((d) => d.created).length;
      updated += stored.filter((d) => !d.created).length;
    }
    rejected.sort((a, b) => a.at - b.at);
    return { created, updated, rejected };
  }

  /**
   * Sets which Tokens a connection's CPO sees and may use; the Tokens newly in scope are then pushed to it (token-pushes
   * listens). @throws BadRequestException, NotFoundException
   */
  async setScope(connectionId: string, raw: unknown): Promise<TokenScope> {
    const scope = readScope(raw);
    const set = await this.store.setScope(connectionId, scope);
    if (!set) throw new NotFoundException(`no connection ${connectionId}`);
    this.cache.applyScope(connectionId, scope, set.changeSeq);
    await this.changes.announceScope(connectionId, set.before, scope);
    return scope;
  }

  /** A connection's scope (ALL unless set). @throws NotFoundException for an unknown connection */
  async scopeOf(connectionId: string): Promise<TokenScope> {
    if (!(await this.store.connectionExists(connectionId))) throw new NotFoundException(`no connection ${connectionId}`);
    return this.store.scopeOf(connectionId);
  }
}

/** { kind: ALL | NONE } or { kind: GROUPS, group_ids: [1..1000 group ids] }. @throws BadRequestException naming the field */
function readScope(raw: unknown): TokenScope {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as { kind?: unknown; group_ids?: unknown };
  if (body.kind === 'ALL' || body.kind === 'NONE') {
    if (body.group_ids !== undefined) throw new BadRequestException(`group_ids is only given with kind GROUPS`);
    return { kind: body.kind };
  }
  if (body.kind !== 'GROUPS') throw new BadRequestException('kind must be one of ALL, NONE, GROUPS');
  const ids = body.group_ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000 || !ids.every((g) => typeof g === 'string' && g.length >= 1 && g.length <= 36)) {
    throw new BadRequestException('group_ids must be a list of 1 to 1000 group ids of 1 to 36 characters');
  }
  return { kind: 'GROUPS', group_ids: ids as string[] };
}
