/**
 * Our Tokens (mod_tokens 2.2.1 / 2.3.0 §Token Object, 2.1.1 §3.2): one canonical model for every version. We are the
 * eMSP: these are the cards and app users we issue; country_code / party_id are ours (OCPI_COUNTRY_CODE,
 * OCPI_PARTY_ID) and are added when a Token is put on the wire.
 */

/**
 * TokenType (mod_tokens 2.2.1 §TokenType: AD_HOC_USER, APP_USER, OTHER, RFID; 2.3.0 adds EMAID; 2.1.1 §4.3 has only
 * OTHER and RFID). A version serves only the types it has (see TokensWire.types).
 */
export const TOKEN_TYPES = ['AD_HOC_USER', 'APP_USER', 'EMAID', 'OTHER', 'RFID'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** WhitelistType (mod_tokens 2.2.1 §WhitelistType, 2.1.1 §4.4, 2.3.0 alike). */
export const WHITELIST_TYPES = ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'] as const;
export type WhitelistType = (typeof WHITELIST_TYPES)[number];

/** ProfileType (mod_sessions 2.2.1 §ProfileType; 2.2+ only). */
export const PROFILE_TYPES = ['CHEAP', 'FAST', 'GREEN', 'REGULAR'] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];

/** AllowedType (mod_tokens 2.2.1 §AllowedType, 2.1.1 §4.1 Allowed, 2.3.0 alike). */
export const ALLOWED_TYPES = ['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

/**
 * Why the app backend refuses a valid, unexpired token (our own field, never on the wire): NO_CREDIT (the account
 * has not enough credit) or NOT_ALLOWED (not allowed to charge at the CPO's locations). null: nothing against it.
 */
export const TOKEN_DENIALS = ['NO_CREDIT', 'NOT_ALLOWED'] as const;
export type TokenDenial = (typeof TOKEN_DENIALS)[number];

/** EnergyContract (mod_tokens 2.2.1 §EnergyContract class; 2.2+ only). */
export interface EnergyContract {
  supplier_name: string;
  contract_id: string | null;
}

/** What the app backend sets on a Token (everything but last_updated, which we set). */
export interface TokenFields {
  /** CiString(36): what the RFID reader or app presents; with type, the Token's identity (case-insensitive). */
  uid: string;
  type: TokenType;
  /** CiString(36): the driver's contract (2.2+ contract_id; 2.1.1 auth_id). */
  contract_id: string;
  visual_number: string | null;
  /** string(64): the company printed on the card. */
  issuer: string;
  group_id: string | null;
  valid: boolean;
  whitelist: WhitelistType;
  /** ISO 639-1, two letters. */
  language: string | null;
  default_profile_type: ProfileType | null;
  energy_contract: EnergyContract | null;
  /** Ours: after this instant the Token answers EXPIRED (null: never expires). ISO-8601 UTC. */
  valid_until: string | null;
  /** Ours: see TokenDenial. */
  denial: TokenDenial | null;
}

/** A Token as we hold it. */
export interface CanonicalToken extends TokenFields {
  /** ISO-8601 UTC, to the millisecond; bumped by every change. */
  last_updated: string;
}

/** LocationReferences (mod_tokens 2.2.1 §LocationReferences; 2.1.1 §4.2 adds connector_ids, empty elsewhere). */
export interface LocationReferences {
  location_id: string;
  evse_uids: string[];
  connector_ids: string[];
}

/** AuthorizationInfo (mod_tokens 2.2.1 §AuthorizationInfo Object), version-neutral. */
export interface AuthorizationInfo {
  allowed: AllowedType;
  token: CanonicalToken;
  /** The Location asked about, with only the EVSEs (2.1.1: and connectors) asked for; null when none was asked. */
  location: LocationReferences | null;
  /** 2.2+: our reference for an ALLOWED answer, carried later by the Session and CDR; null otherwise. */
  authorization_reference: string | null;
}
