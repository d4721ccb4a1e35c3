import { Credentials } from '../../adapter/ocpi-version-adapter';

/**
 * Our credentials on the wire in 2.1.1 (credentials 2.1.1 §2.1 Credentials object): one party, flat —
 * token, url, business_details, party_id, country_code. Only the first role is sent: 2.1.1 has no roles.
 */
export function serialiseCredentials211(credentials: Credentials): unknown {
  const party = credentials.roles[0];
  return {
    token: credentials.token,
    url: credentials.url,
    business_details: party?.business_details ?? {},
    party_id: party?.party_id,
    country_code: party?.country_code,
  };
}

/**
 * Reads a 2.1.1 credentials object into one role. The party on the other side of an eMSP is a CPO, so the
 * role is 'CPO' (2.1.1 does not say). A missing business_details is kept as null rather than refused: it
 * names the party for people only.
 * @throws Error naming the missing or malformed field.
 */
export function parseCredentials211(data: unknown): Credentials {
  const o = (data ?? {}) as Record<string, unknown>;
  if (typeof o.token !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(o.token)) {
    throw new Error('credentials.token is missing or not printable ASCII of at most 64 characters');
  }
  if (typeof o.url !== 'string' || !/^https?:\/\//.test(o.url)) throw new Error('credentials.url is missing or not a URL');
  if (typeof o.country_code !== 'string' || o.country_code.length !== 2) throw new Error('credentials.country_code is missing or not 2 characters');
  if (typeof o.party_id !== 'string' || o.party_id.length < 1 || o.party_id.length > 3) {
    throw new Error('credentials.party_id is missing or longer than 3 characters');
  }
  const details = o.business_details;
  return {
    token: o.token,
    url: o.url,
    roles: [
      {
        role: 'CPO',
        country_code: o.country_code.toUpperCase(),
        party_id: o.party_id.toUpperCase(),
        business_details: details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : null,
      },
    ],
  };
}
