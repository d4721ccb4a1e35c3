import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { adapterFor } from '../ocpi/versions/version-registry';
import { assertNever } from '../common/assert-never';
import { AuthObservationEntity, CpoConnectionEntity, NeedsAttention, TokenRotation } from './cpo-connection.entity';

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
  /**
   * Set when no token we hold for the CPO works any more (e.g. it applied our credentials PUT but its answer, with its
   * new token, never reached us): what happened and what operations must do. Pulls are paused meanwhile.
   */
  needs_attention: NeedsAttention | null;
  /**
   * A credentials update (PUT, either way) still open, or whose outcome the CPO has not shown yet: we accept both
   * tokens of ours it may hold, and try both tokens it may accept from us, until it settles. Null when settled.
   */
  token_rotation: { state: TokenRotation; since: string | null; note: string } | null;
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
    needs_attention: c.needsAttention,
    token_rotation: c.tokenRotation ? { state: c.tokenRotation, since: c.tokenRotationAt?.toISOString() ?? null, note: rotationNote(c.tokenRotation) } : null,
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

/** What an open or unsettled credentials update means for operations. */
function rotationNote(rotation: TokenRotation): string {
  switch (rotation) {
    case 'OURS_OPEN':
      return 'Our credentials PUT is on its way: the CPO may already call us with the new token.';
    case 'OURS_UNSETTLED':
      return 'Our credentials PUT failed or got no answer: we accept our previous and our new token until the CPO uses one, and keep the tokens it may accept from us until one works.';
    case 'THEIRS_UNSETTLED':
      return 'The CPO sent us new credentials and our answer may not have reached it: we accept our previous and our new token until it uses one, and keep its previous token in case it refuses the new one.';
    default:
      return assertNever(rotation, 'token rotation');
  }
}
