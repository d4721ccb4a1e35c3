import { AppConfig } from '../config/app-config';
import { Credentials } from '../ocpi/adapter/ocpi-version-adapter';

/**
 * Our credentials (credentials §Credentials object) with `token`: our versions URL and our single EMSP role
 * with its business details. Each version adapter puts it in its own shape (2.1.1: one flat party).
 */
export function ourCredentials(config: AppConfig, token: string): Credentials {
  const us = config.ourParty;
  return {
    token,
    url: config.ourVersionsUrl,
    roles: [{ role: 'EMSP', country_code: us.countryCode, party_id: us.partyId, business_details: { name: us.businessName } }],
  };
}
