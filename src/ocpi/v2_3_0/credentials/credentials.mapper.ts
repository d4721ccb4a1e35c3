import { parseCredentials221 } from '../../v2_2_1/credentials/credentials.mapper';
import { Credentials } from '../../adapter/ocpi-version-adapter';

/**
 * Reads a 2.3.0 credentials object: the 2.2.1 shape (token, url, roles) plus the optional `hub_party_id`
 * (credentials 2.3.0 §Credentials object: CiString(5), country code and party id of the platform's Hub).
 * Since 2.3.0 a Hub lists the parties reachable through it in `roles`.
 * @throws Error naming the missing or malformed field.
 */
export function parseCredentials230(data: unknown): Credentials {
  const credentials = parseCredentials221(data);
  const hub = (data as Record<string, unknown>).hub_party_id;
  if (hub !== undefined && hub !== null && (typeof hub !== 'string' || !/^[A-Za-z]{2}[A-Za-z0-9]{3}$/.test(hub))) {
    throw new Error('credentials.hub_party_id must be a country code and a party id of 5 characters, e.g. "NLHUB"');
  }
  return { ...credentials, hub_party_id: typeof hub === 'string' ? hub.toUpperCase() : null };
}
