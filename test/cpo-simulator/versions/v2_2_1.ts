/**
 * OCPI 2.2.1 adapter: Base64 credentials token in the Authorization header
 * (transport_and_format 2.2.1 §Authorization header), endpoints with InterfaceRole
 * (version_information_endpoint 2.2.1 §Endpoint class), credentials with roles
 * (credentials 2.2.1 §Credentials object).
 */
import { encodeBase64Authorization, parseBase64Authorization } from '../auth';
import type { OcpiEndpoint } from '../ocpi-types';
import { validateRolesCredentials } from './roles-credentials-validator';
import { cpoRole, type SimulatorVersionAdapter } from './simulator-version-adapter';

export const v2_2_1: SimulatorVersionAdapter = {
  version: '2.2.1',

  encodeAuthorization: encodeBase64Authorization,

  parseAuthorization: parseBase64Authorization,

  /**
   * credentials is listed once, as SENDER: version_information_endpoint 2.2.1 §Endpoint class
   * says the role "is not relevant" for credentials and advises "SENDER" for one's own.
   */
  endpoints(urls): OcpiEndpoint[] {
    return [
      { identifier: 'credentials', role: 'SENDER', url: urls.credentials },
      { identifier: 'locations', role: 'SENDER', url: urls.locations },
      { identifier: 'tariffs', role: 'SENDER', url: urls.tariffs },
    ];
  },

  ownCredentials(token, versionsUrl, party) {
    return { token, url: versionsUrl, roles: [cpoRole(party)] };
  },

  parseClientCredentials: validateRolesCredentials,
};
