import { HttpStatus } from '@nestjs/common';
import { IntakeSource } from '../../../intake/intake-source';
import { OcpiError } from '../../wire/ocpi-error';
import { OcpiStatus } from '../../wire/ocpi-status';
import { adapterFor } from '../../versions/version-registry';
import { OcpiAuthenticatedRequest } from '../ocpi-auth.guard';

/**
 * Where a push to one of our Receiver interfaces comes from, for the intake step: the authenticated partner, the
 * version the path names (a CPO pushing on another version's path is read as the path says, and counted), and the
 * parties it may carry objects of, as its message routing decided (transport_and_format 2.2.1 §Message Routing, see
 * MessageRouting, applied by OcpiAuthGuard): a direct partner's own parties; through a Hub, only the party in
 * OCPI-from-* (the Hub announced it as a CPO), or every CPO party the Hub announced for a Broadcast Push.
 * @throws OcpiError 3002 (HTTP 404) for a version we do not speak; 2000 (in HTTP 200) before registration.
 */
export function pushSource(version: string, request: OcpiAuthenticatedRequest): IntakeSource {
  const adapter = adapterFor(version);
  if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
  const partner = request.ocpiPartner;
  if (partner.status !== 'REGISTERED') throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Connection is ${partner.status}, not registered`, HttpStatus.OK);
  const route = request.ocpiRoute;
  // A Hub's own parties (role HUB) would let it write any party's objects: without a route it writes none.
  if (!route && partner.parties.some((p) => p.role === 'HUB')) throw OcpiError.invalidParameters('A push through a Hub must be routed (transport_and_format §Message Routing)');
  return { connectionId: partner.id, channel: 'PUSH', adapter, agreedVersion: partner.ocpiVersion, parties: route?.parties ?? partner.parties, syncRunId: null };
}
