import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { adapterFor } from '../ocpi/versions/version-registry';
import { assertNever } from '../common/assert-never';
import { AuthObservationEntity, ConnectionModule, CpoCircuitEntity, CpoConnectionEntity, NeedsAttention, RefusedParty, TokenRotation } from './cpo-connection.entity';
import { CircuitOpenedBy, CircuitState } from './cpo-circuit';
import { ModuleModeView, ModuleScheduleView, modesOf, ScheduleSettings, schedulesOf } from './module-modes';
import { partyClaimAttention } from './party-claims';

/** Why a connection needs attention: no token we hold for the CPO works, or its credentials claimed parties we refused. */
export type AttentionReason = 'NO_TOKEN_WORKS' | 'PARTY_CLAIM_REFUSED';

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
   * Set when someone must act, with what happened and what to do: NO_TOKEN_WORKS when no token we hold for the CPO works
   * any more (e.g. it applied our credentials PUT but its answer, with its new token, never reached us; pulls are paused
   * meanwhile); else PARTY_CLAIM_REFUSED when its credentials claimed parties we refused (see `refused_parties`; pulls
   * are paused only when no party of it was accepted).
   */
  needs_attention: (NeedsAttention & { reason: AttentionReason }) | null;
  /**
   * Parties the CPO's credentials roles claimed that we refused (our own party, or one of another live connection),
   * each naming the party and why; objects under them are refused (NOT_OWN_PARTY). Empty when none.
   */
  refused_parties: RefusedParty[];
  /**
   * Per module, whether we pull it, receive it, or both (`mode`), who chose that (DEFAULT from the endpoints the CPO
   * lists, or OPERATOR), whether the CPO offers its Sender interface, and what that makes of it (`pulled`, `received`);
   * and its pull `schedule`: interval, last run, next due.
   */
  modules: Record<ConnectionModule, ModuleModeView & { schedule: ModuleScheduleView }>;
  /**
   * A credentials update (PUT, either way) still open, or whose outcome the CPO has not shown yet: we accept both
   * tokens of ours it may hold, and try both tokens it may accept from us, until it settles. Null when settled.
   */
  token_rotation: { state: TokenRotation; since: string | null; note: string } | null;
  /**
   * The CPO's circuit breaker, shared by every instance: CLOSED (calls go out), OPEN (calls fail at once, CIRCUIT_OPEN,
   * until `open_until`: after `consecutive_failures` unwell calls in a row, or because the CPO asked us to wait with a
   * Retry-After: `opened_by`), HALF_OPEN (one probe call is under way). `last_failure` stays after it closes.
   * POST {id}/circuit/reset closes it by hand.
   */
  circuit: CircuitView;
  last_error: string | null;
  registered_at: string | null;
  /** When the credentials tokens in use were exchanged (registration or the last credentials PUT either way): their age. */
  tokens_changed_at: string | null;
  unregistered_at: string | null;
}

/** The connection as operations see it; `schedules` gives the default intervals its modules' schedules show. */
export function toConnectionView(c: CpoConnectionEntity, schedules: ScheduleSettings): ConnectionView {
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
    needs_attention: attentionOf(c),
    refused_parties: c.refusedParties ?? [],
    modules: modulesOf(c, schedules),
    token_rotation: c.tokenRotation ? { state: c.tokenRotation, since: c.tokenRotationAt?.toISOString() ?? null, note: rotationNote(c.tokenRotation) } : null,
    circuit: circuitView(c.circuit ?? null),
    last_error: c.lastError,
    registered_at: c.registeredAt ? c.registeredAt.toISOString() : null,
    tokens_changed_at: c.tokensChangedAt ? c.tokensChangedAt.toISOString() : null,
    unregistered_at: c.unregisteredAt ? c.unregisteredAt.toISOString() : null,
  };
}

/** A connection's circuit breaker as operations see it (see ConnectionView.circuit). */
export interface CircuitView {
  state: CircuitState;
  consecutive_failures: number;
  /** OPEN: until when calls are refused; then the next call probes the CPO. Null otherwise. */
  open_until: string | null;
  opened_at: string | null;
  opened_by: CircuitOpenedBy | null;
  /** The last unwell call: when, and `<kind>: <explanation>`; null when the CPO never failed. */
  last_failure: { at: string | null; explanation: string } | null;
}

/** A connection without a circuit row never failed: CLOSED. */
export function circuitView(c: CpoCircuitEntity | null): CircuitView {
  return {
    state: c?.state ?? 'CLOSED',
    consecutive_failures: c?.consecutiveFailures ?? 0,
    open_until: c?.state === 'OPEN' ? (c.openUntil?.toISOString() ?? null) : null,
    opened_at: c && c.state !== 'CLOSED' ? (c.openedAt?.toISOString() ?? null) : null,
    opened_by: c && c.state !== 'CLOSED' ? c.openedBy : null,
    last_failure: c?.lastFailure ? { at: c.lastFailureAt?.toISOString() ?? null, explanation: c.lastFailure } : null,
  };
}

function modulesOf(c: CpoConnectionEntity, settings: ScheduleSettings): ConnectionView['modules'] {
  const modes = modesOf(c);
  const schedules = schedulesOf(c, settings);
  const modules = {} as ConnectionView['modules'];
  for (const module of Object.keys(modes) as ConnectionModule[]) modules[module] = { ...modes[module], schedule: schedules[module] };
  return modules;
}

/** The token problem first (nothing can be called then), else the refused party claims. */
function attentionOf(c: CpoConnectionEntity): ConnectionView['needs_attention'] {
  if (c.needsAttention) return { reason: 'NO_TOKEN_WORKS', ...c.needsAttention };
  const parties = partyClaimAttention(c);
  return parties ? { reason: 'PARTY_CLAIM_REFUSED', ...parties } : null;
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
