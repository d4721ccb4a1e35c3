import { CanonicalToken, EnergyContract, ProfileType, TokenDenial, TokenType, WhitelistType } from './token.model';

/** The key a Token is held under: the uid upper-cased (CiString: case-insensitive; RFID uids are mostly upper-case hex). */
export function heldKey(uid: string): string {
  return uid.toUpperCase();
}

/** The fields a held Token is made of (PackedTokens), as read from the database (timestamps as epoch ms). */
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

/** The row form of a StoredToken (a Token this instance has just written, with its change number). */
export function heldRowOf(t: CanonicalToken & { change_seq: number }): HeldTokenRow {
  return {
    ...t,
    valid_until_ms: t.valid_until === null ? null : Date.parse(t.valid_until),
    last_updated_ms: Date.parse(t.last_updated),
  };
}
