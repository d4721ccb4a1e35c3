import { AuthorizationInfo, CanonicalToken } from '../../../tokens/token.model';
import { readLocationReferences, LocationReferencesReading } from '../../wire/location-references';
import { ocpiTimestamp } from '../../wire/ocpi-response';

/** Our party, the owner of every Token we send (mod_tokens 2.2.1 §Token Object country_code, party_id). */
export interface TokenOwner {
  country_code: string;
  party_id: string;
}

/**
 * A Token on the wire (mod_tokens 2.2.1 §Token Object; 2.3.0 the same): optional fields left out when we hold none;
 * our own fields (valid_until, denial) never sent.
 */
export function serialiseToken221(t: CanonicalToken, owner: TokenOwner): Record<string, unknown> {
  return {
    country_code: owner.country_code,
    party_id: owner.party_id,
    uid: t.uid,
    type: t.type,
    contract_id: t.contract_id,
    ...(t.visual_number !== null ? { visual_number: t.visual_number } : {}),
    issuer: t.issuer,
    ...(t.group_id !== null ? { group_id: t.group_id } : {}),
    valid: t.valid,
    whitelist: t.whitelist,
    ...(t.language !== null ? { language: t.language } : {}),
    ...(t.default_profile_type !== null ? { default_profile_type: t.default_profile_type } : {}),
    ...(t.energy_contract !== null
      ? { energy_contract: { supplier_name: t.energy_contract.supplier_name, ...(t.energy_contract.contract_id !== null ? { contract_id: t.energy_contract.contract_id } : {}) } }
      : {}),
    last_updated: ocpiTimestamp(new Date(t.last_updated)),
  };
}

/** AuthorizationInfo (mod_tokens 2.2.1 §AuthorizationInfo Object): allowed, the whole Token, location, authorization_reference. */
export function serialiseAuthorization221(info: AuthorizationInfo, owner: TokenOwner): Record<string, unknown> {
  return {
    allowed: info.allowed,
    token: serialiseToken221(info.token, owner),
    ...(info.location ? { location: { location_id: info.location.location_id, evse_uids: info.location.evse_uids } } : {}),
    ...(info.authorization_reference ? { authorization_reference: info.authorization_reference } : {}),
  };
}

/** LocationReferences 2.2.1 (CiString(36) ids, no connector_ids). */
export function readLocationReferences221(raw: unknown): LocationReferencesReading {
  return readLocationReferences(raw, 36, false);
}
