import { AuthorizationInfo, CanonicalToken } from '../../../tokens/token.model';
import { readLocationReferences, LocationReferencesReading } from '../../wire/location-references';
import { ocpiTimestamp } from '../../wire/ocpi-response';

/**
 * A Token on the wire in 2.1.1 (mod_tokens 2.1.1 §3.2): no owner, auth_id for our contract_id, no group_id,
 * default_profile_type or energy_contract (they came with 2.2).
 */
export function serialiseToken211(t: CanonicalToken): Record<string, unknown> {
  return {
    uid: t.uid,
    type: t.type,
    auth_id: t.contract_id,
    ...(t.visual_number !== null ? { visual_number: t.visual_number } : {}),
    issuer: t.issuer,
    valid: t.valid,
    whitelist: t.whitelist,
    ...(t.language !== null ? { language: t.language } : {}),
    last_updated: ocpiTimestamp(new Date(t.last_updated)),
  };
}

/**
 * AuthorizationInfo in 2.1.1 (mod_tokens 2.1.1 §3.1): allowed and location only (no token, no reference); the
 * location with the EVSEs and connectors asked for.
 */
export function serialiseAuthorization211(info: AuthorizationInfo): Record<string, unknown> {
  return {
    allowed: info.allowed,
    ...(info.location
      ? {
          location: {
            location_id: info.location.location_id,
            evse_uids: info.location.evse_uids,
            ...(info.location.connector_ids.length > 0 ? { connector_ids: info.location.connector_ids } : {}),
          },
        }
      : {}),
  };
}

/** LocationReferences 2.1.1 §4.2: string(39) ids, and connector_ids. */
export function readLocationReferences211(raw: unknown): LocationReferencesReading {
  return readLocationReferences(raw, 39, true);
}
