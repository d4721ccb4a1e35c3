import { parseCredentials221 } from '../../v2_2_1/credentials/credentials.mapper';
import { Credentials } from '../../adapter/ocpi-version-adapter';

/**
 * Reads a 2.3.0 credentials object: the 2.2.1 shape (token, url, roles) plus the optional `hub_party_id`
 * (credentials 2.3.0 §Credentials object: CiString(5), country code and party id of the platform's Hub).
 * Since 2.3.0 a Hub lists the parties reachable through it in `roles`, and names itself in `hub_party_id` only (2.3.0's
 * Role enum has no HUB): that party is added to `roles` as role HUB.
 * @throws Error naming the missing or malformed field.
 */
export function parseCredentials230(data: unknown): Credentials {
  const credentials = parseCredentials221(data);
  const hub = (data as Record<string, unknown>).hub_party_id;
  if (hub !== undefined && hub !== null && (typeof hub !== 'string' || !/^[A-Za-z]{2}[A-Za-z0-9]{3}$/.test(hub))) {
    throw new Error('credentials.hub_party_id must be a country code and a party id of 5 characters, e.g. "NLHUB"');
  }
  if (typeof hub !== 'string') return { ...credentials, hub_party_id: null };
  const hubPartyId = hub.toUpperCase();
  // 2.3.0's Role enum has no HUB: a Hub is told by hub_party_id. Read as the HUB role 2.2.1 gives it, so a Hub is one
  // thing whatever its version (message routing, GET All via Hubs).
  const [country_code, party_id] = [hubPartyId.slice(0, 2), hubPartyId.slice(2)];
  const listed = credentials.roles.some((r) => r.role === 'HUB' && r.country_code === country_code && r.party_id === party_id);
  const roles = listed ? credentials.roles : [...credentials.roles, { role: 'HUB', country_code, party_id, business_details: null }];
  return { ...credentials, roles, hub_party_id: hubPartyId };
}
