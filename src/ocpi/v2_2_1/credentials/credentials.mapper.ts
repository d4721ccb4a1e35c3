import { Credentials, PartyRole } from '../../adapter/ocpi-version-adapter';

/** Our credentials on the wire (credentials 2.2.1 §Credentials object, §CredentialsRole class). */
export function serialiseCredentials221(credentials: Credentials): unknown {
  return {
    token: credentials.token,
    url: credentials.url,
    roles: credentials.roles.map((r) => ({
      role: r.role,
      business_details: r.business_details ?? {},
      party_id: r.party_id,
      country_code: r.country_code,
    })),
  };
}

/**
 * Reads a 2.2.1 credentials object: token (printable ASCII, ≤ 64), url, roles (at least one).
 * @throws Error naming the missing or malformed field.
 */
export function parseCredentials221(data: unknown): Credentials {
  const o = (data ?? {}) as Record<string, unknown>;
  if (typeof o.token !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(o.token)) {
    throw new Error('credentials.token is missing or not printable ASCII of at most 64 characters');
  }
  if (typeof o.url !== 'string' || !/^https?:\/\//.test(o.url)) throw new Error('credentials.url is missing or not a URL');
  if (!Array.isArray(o.roles) || o.roles.length === 0) throw new Error('credentials.roles is missing or empty');
  const roles = o.roles.map((r, i): PartyRole => {
    const role = (r ?? {}) as Record<string, unknown>;
    if (typeof role.role !== 'string') throw new Error(`credentials.roles[${i}].role is missing`);
    if (typeof role.country_code !== 'string' || role.country_code.length !== 2) {
      throw new Error(`credentials.roles[${i}].country_code is missing or not 2 characters`);
    }
    if (typeof role.party_id !== 'string' || role.party_id.length < 1 || role.party_id.length > 3) {
      throw new Error(`credentials.roles[${i}].party_id is missing or longer than 3 characters`);
    }
    return {
      role: role.role.toUpperCase(),
      country_code: role.country_code.toUpperCase(),
      party_id: role.party_id.toUpperCase(),
      business_details: (role.business_details as Record<string, unknown> | undefined) ?? null,
    };
  });
  return { token: o.token, url: o.url, roles };
}
