import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { adapterFor } from '../ocpi/versions/version-registry';
import { AuthObservationEntity, CpoConnectionEntity } from './cpo-connection.entity';

/** A connection as operations see it: never a token, not even encrypted. */
export interface ConnectionView {
  id: string;
  name: string;
  status: string;
  /** EMSP: we registered with the CPO; CPO: it registered with us after an invitation. */
  initiated_by: string;
  ocpi_version: string | null;
  their_versions_url: string | null;
  parties: Array<{ role: string; country_code: string; party_id: string; name: string | null; business_details: Record<string, unknown> | null }>;
  endpoints: Array<{ identifier: string; role: string | null; url: string }>;
  /** How the credentials token travels in Authorization headers with this CPO, and where the CPO bends the spec. */
  authorization: {
    /** The encoding the negotiated version prescribes (transport_and_format §Authorization header). */
    prescribed: TokenEncoding | null;
    /** The encoding we send the CPO's token in: the prescribed one unless the CPO only accepts the other. */
    we_send: TokenEncoding | null;
    observations: Array<{
      direction: string;
      ocpi_version: string;
      encoding: string;
      count: number;
      first_seen: string;
      last_seen: string;
      note: string;
    }>;
  };
  /** While INVITED: when token A stops working. */
  invitation_expires_at: string | null;
  last_error: string | null;
  registered_at: string | null;
  unregistered_at: string | null;
}

export function toConnectionView(c: CpoConnectionEntity): ConnectionView {
  const prescribed = adapterFor(c.ocpiVersion)?.tokenEncoding ?? null;
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    initiated_by: c.initiatedBy,
    ocpi_version: c.ocpiVersion,
    their_versions_url: c.theirVersionsUrl,
    parties: (c.parties ?? []).map((p) => ({
      role: p.role,
      country_code: p.countryCode,
      party_id: p.partyId,
      name: typeof p.businessDetails?.name === 'string' ? p.businessDetails.name : null,
      business_details: p.businessDetails,
    })),
    endpoints: c.theirEndpoints,
    authorization: {
      prescribed,
      we_send: prescribed ? (c.theirTokenEncoding ?? prescribed) : null,
      observations: (c.authObservations ?? []).map(observationView),
    },
    invitation_expires_at: c.status === 'INVITED' && c.ourTokenExpiresAt ? c.ourTokenExpiresAt.toISOString() : null,
    last_error: c.lastError,
    registered_at: c.registeredAt ? c.registeredAt.toISOString() : null,
    unregistered_at: c.unregisteredAt ? c.unregisteredAt.toISOString() : null,
  };
}

function observationView(o: AuthObservationEntity): ConnectionView['authorization']['observations'][number] {
  const spec = `the spec prescribes ${o.encoding === 'plain' ? 'Base64' : 'the plain token'} on ${o.ocpiVersion}`;
  const note =
    o.direction === 'THEY_SEND'
      ? `They send ${o.encoding === 'plain' ? 'plain' : 'Base64-encoded'} tokens on ${o.ocpiVersion} (${spec}); accepted.`
      : `They reject ${o.encoding === 'plain' ? 'Base64-encoded' : 'plain'} tokens on ${o.ocpiVersion} and accept ${o.encoding === 'plain' ? 'plain' : 'Base64-encoded'} ones (${spec}); we send theirs.`;
  return {
    direction: o.direction,
    ocpi_version: o.ocpiVersion,
    encoding: o.encoding,
    count: o.count,
    first_seen: o.firstSeen.toISOString(),
    last_seen: o.lastSeen.toISOString(),
    note,
  };
}
