/**
 * OCPI 2.3.0 adapter: as 2.2.1 (Base64 token, endpoints with roles, credentials with roles), plus
 * the optional `hub_party_id` in credentials (credentials 2.3.0 §Credentials object: CiString(5)).
 */
import { isRecord } from '../guards';
import { validateRolesCredentials } from './roles-credentials-validator';
import { presentEndpoints, type SimulatorVersionAdapter } from './simulator-version-adapter';

export const v2_3_0: SimulatorVersionAdapter = {
  version: '2.3.0',
  tokenEncoding: 'base64',
  routingHeaders: true,

  endpoints(urls) {
    return presentEndpoints(urls, (identifier, url) => ({ identifier, role: identifier === 'commands' || identifier === 'tokens' ? 'RECEIVER' : 'SENDER', url }));
  },

  ownCredentials(token, versionsUrl, roles, hubPartyId) {
    return { token, url: versionsUrl, ...(hubPartyId ? { hub_party_id: hubPartyId } : {}), roles };
  },

  parseClientCredentials(body) {
    const parsed = validateRolesCredentials(body);
    const hub = isRecord(body) ? body.hub_party_id : undefined;
    if (hub !== undefined && (typeof hub !== 'string' || !/^[A-Za-z]{2}[A-Za-z0-9]{3}$/.test(hub))) {
      return { ok: false, errors: [...(parsed.ok ? [] : parsed.errors), 'hub_party_id must be CiString(5): country code + party id'] };
    }
    return parsed;
  },
};
