/**
 * OCPI 2.2.1 adapter: Base64 credentials token in the Authorization header
 * (transport_and_format 2.2.1 §Authorization header), endpoints with InterfaceRole
 * (version_information_endpoint 2.2.1 §Endpoint class), credentials with roles
 * (credentials 2.2.1 §Credentials object).
 */
import { validateRolesCredentials } from './roles-credentials-validator';
import { presentEndpoints, type SimulatorVersionAdapter } from './simulator-version-adapter';

export const v2_2_1: SimulatorVersionAdapter = {
  version: '2.2.1',
  tokenEncoding: 'base64',
  routingHeaders: true,

  /**
   * credentials is listed once, as SENDER: version_information_endpoint 2.2.1 §Endpoint class
   * says the role "is not relevant" for credentials and advises "SENDER" for one's own.
   */
  endpoints(urls) {
    return presentEndpoints(urls, (identifier, url) => ({ identifier, role: identifier === 'commands' || identifier === 'tokens' ? 'RECEIVER' : 'SENDER', url }));
  },

  ownCredentials(token, versionsUrl, roles) {
    return { token, url: versionsUrl, roles };
  },

  parseClientCredentials: validateRolesCredentials,
};
