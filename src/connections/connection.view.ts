import { CpoConnectionEntity } from './cpo-connection.entity';

/** A connection as operations see it: never a token, not even encrypted. */
export interface ConnectionView {
  id: string;
  name: string;
  status: string;
  ocpi_version: string | null;
  their_versions_url: string;
  parties: Array<{ role: string; country_code: string; party_id: string; name: string | null }>;
  endpoints: Array<{ identifier: string; role: string | null; url: string }>;
  last_error: string | null;
  registered_at: string | null;
}

export function toConnectionView(c: CpoConnectionEntity): ConnectionView {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    ocpi_version: c.ocpiVersion,
    their_versions_url: c.theirVersionsUrl,
    parties: (c.parties ?? []).map((p) => ({
      role: p.role, country_code: p.countryCode, party_id: p.partyId,
      name: typeof p.businessDetails?.name === 'string' ? p.businessDetails.name : null,
    })),
    endpoints: c.theirEndpoints,
    last_error: c.lastError,
    registered_at: c.registeredAt ? c.registeredAt.toISOString() : null,
  };
}
