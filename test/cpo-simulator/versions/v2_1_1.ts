/**
 * OCPI 2.1.1 adapter: the credentials token goes in the Authorization header as is
 * (transport_and_format 2.1.1 §Security and authentication), endpoints have no role
 * (version_information_endpoint 2.1.1 §Endpoint class), and credentials carry one flat party:
 * token, url, business_details, party_id, country_code (credentials 2.1.1 §2.1).
 */
import { isCredentialsToken } from '../auth';
import { isRecord } from '../guards';
import type { CredentialsRole } from '../ocpi-types';
import { presentEndpoints, type SimulatorVersionAdapter } from './simulator-version-adapter';

function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\/\S+$/.test(value);
}

export const v2_1_1: SimulatorVersionAdapter = {
  version: '2.1.1',
  tokenEncoding: 'plain',
  routingHeaders: false,

  endpoints(urls) {
    return presentEndpoints(urls, (identifier, url) => ({ identifier, url }));
  },

  ownCredentials(token, versionsUrl, roles) {
    const party = roles[0];
    return { token, url: versionsUrl, business_details: party.business_details, party_id: party.party_id, country_code: party.country_code };
  },

  /** The client's single party becomes one role; 2.1.1 does not say which, so it is EMSP (the CPO's counterpart). */
  parseClientCredentials(body) {
    if (!isRecord(body)) return { ok: false, errors: ['body is not a Credentials object'] };
    const errors: string[] = [];
    if (!isCredentialsToken(body.token)) errors.push('token must be 1-64 printable non-whitespace ASCII characters');
    if (!isHttpUrl(body.url)) errors.push('url must be an http(s) URL');
    if (typeof body.party_id !== 'string' || !/^[A-Za-z0-9]{1,3}$/.test(body.party_id)) errors.push('party_id must be string(3)');
    if (typeof body.country_code !== 'string' || !/^[A-Za-z]{2}$/.test(body.country_code)) errors.push('country_code must be string(2)');
    const details = body.business_details;
    if (!isRecord(details) || typeof details.name !== 'string' || details.name.length === 0) errors.push('business_details.name is required');
    if (errors.length > 0) return { ok: false, errors };
    const role: CredentialsRole = {
      role: 'EMSP',
      party_id: body.party_id as string,
      country_code: body.country_code as string,
      business_details: details as CredentialsRole['business_details'],
    };
    return { ok: true, value: { token: body.token as string, url: body.url as string, roles: [role] } };
  },
};
