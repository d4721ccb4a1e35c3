import { CanonicalToken, EnergyContract, PROFILE_TYPES, ProfileType, TOKEN_DENIALS, TokenDenial, TokenType, WHITELIST_TYPES, WhitelistType } from './token.model';

/**
 * A Token as the in-memory copy holds it (TokenCache): a million of them must fit in little heap, so one small object
 * of fixed shape per Token, without the strings that repeat or can be rebuilt:
 * - the uid is the map key (upper-cased, see heldKey) and kept apart only when it is not upper case already;
 * - valid, whitelist, default_profile_type and denial are bits of one small integer (indexes into the spec's enums);
 * - issuer, group_id and language are shared strings (the same few values for many Tokens: see Interned);
 * - valid_until and last_updated are epoch milliseconds, not ISO strings.
 * The whole CanonicalToken is rebuilt only for an answer (toToken).
 */
export class HeldToken {
  constructor(
    /** The uid as written when it differs from its key (mixed or lower case); null when the key is the uid. */
    readonly uid: string | null,
    readonly contract_id: string,
    readonly visual_number: string | null,
    readonly issuer: string,
    readonly group_id: string | null,
    readonly language: string | null,
    readonly energy_contract: EnergyContract | null,
    /** valid (bit 0), whitelist (bits 1-2), default_profile_type + 1 (bits 3-5, 0: none), denial + 1 (bits 6-7, 0: none). */
    readonly flags: number,
    /** Epoch ms, or null: never expires. */
    readonly valid_until: number | null,
    /** Epoch ms. */
    readonly last_updated: number,
    readonly change_seq: number,
  ) {}

  get valid(): boolean {
    return (this.flags & 1) === 1;
  }

  get denial(): TokenDenial | null {
    const d = (this.flags >> 6) & 3;
    return d === 0 ? null : TOKEN_DENIALS[d - 1];
  }

  /** The Token with every field, as the rest of the service knows it. */
  toToken(key: string, type: TokenType): CanonicalToken {
    const profile = (this.flags >> 3) & 7;
    return {
      uid: this.uid ?? key,
      type,
      contract_id: this.contract_id,
      visual_number: this.visual_number,
      issuer: this.issuer,
      group_id: this.group_id,
      valid: this.valid,
      whitelist: WHITELIST_TYPES[(this.flags >> 1) & 3],
      language: this.language,
      default_profile_type: profile === 0 ? null : PROFILE_TYPES[profile - 1],
      energy_contract: this.energy_contract,
      valid_until: this.valid_until === null ? null : new Date(this.valid_until).toISOString(),
      denial: this.denial,
      last_updated: new Date(this.last_updated).toISOString(),
    };
  }
}

/** The key a Token is held under: the uid upper-cased (CiString: case-insensitive; RFID uids are mostly upper-case hex). */
export function heldKey(uid: string): string {
  return uid.toUpperCase();
}

/** The same string object for equal values (issuer, group_id, language), so that a million Tokens share a few. */
export class Interned {
  private readonly pool = new Map<string, string>();

  of(value: string): string;
  of(value: string | null): string | null;
  of(value: string | null): string | null {
    if (value === null) return null;
    const held = this.pool.get(value);
    if (held !== undefined) return held;
    this.pool.set(value, value);
    return value;
  }

  clear(): void {
    this.pool.clear();
  }
}

/** The fields a HeldToken is made of, as read from the database (timestamps as epoch ms). */
export interface HeldTokenRow {
  uid: string;
  type: TokenType;
  contract_id: string;
  visual_number: string | null;
  issuer: string;
  group_id: string | null;
  valid: boolean;
  whitelist: WhitelistType;
  language: string | null;
  default_profile_type: ProfileType | null;
  energy_contract: EnergyContract | null;
  valid_until_ms: number | null;
  denial: TokenDenial | null;
  last_updated_ms: number;
  change_seq: number;
}

/** A HeldToken from a database row or a StoredToken just written (shared strings from `strings`). */
export function holdToken(row: HeldTokenRow, strings: Interned): HeldToken {
  const key = heldKey(row.uid);
  const flags =
    (row.valid ? 1 : 0) |
    (WHITELIST_TYPES.indexOf(row.whitelist) << 1) |
    ((row.default_profile_type === null ? 0 : PROFILE_TYPES.indexOf(row.default_profile_type) + 1) << 3) |
    ((row.denial === null ? 0 : TOKEN_DENIALS.indexOf(row.denial) + 1) << 6);
  return new HeldToken(
    row.uid === key ? null : row.uid,
    row.contract_id,
    row.visual_number,
    strings.of(row.issuer),
    strings.of(row.group_id),
    strings.of(row.language),
    row.energy_contract,
    flags,
    row.valid_until_ms,
    row.last_updated_ms,
    row.change_seq,
  );
}

/** The row form of a StoredToken (a Token this instance has just written, with its change number). */
export function heldRowOf(t: CanonicalToken & { change_seq: number }): HeldTokenRow {
  return {
    ...t,
    valid_until_ms: t.valid_until === null ? null : Date.parse(t.valid_until),
    last_updated_ms: Date.parse(t.last_updated),
  };
}
