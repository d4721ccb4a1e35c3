import { HttpStatus } from '@nestjs/common';
import { IntakeSource } from '../../../intake/intake-source';
import { OcpiError } from '../../wire/ocpi-error';
import { OcpiStatus } from '../../wire/ocpi-status';
import { adapterFor } from '../../versions/version-registry';
import { OcpiAuthenticatedRequest } from '../ocpi-auth.guard';

/**
 * Where a push to one of our Receiver interfaces comes from, for the intake step: the authenticated partner, and the
 * version the path names (a CPO pushing on another version's path is read as the path says, and counted).
 * @throws OcpiError 3002 (HTTP 404) for a version we do not speak; 2000 (in HTTP 200) before registration.
 */
export function pushSource(version: string, request: OcpiAuthenticatedRequest): IntakeSource {
  const adapter = adapterFor(version);
  if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
  const partner = request.ocpiPartner;
  if (partner.status !== 'REGISTERED') throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Connection is ${partner.status}, not registered`, HttpStatus.OK);
  return { connectionId: partner.id, channel: 'PUSH', adapter, agreedVersion: partner.ocpiVersion, parties: partner.parties, syncRunId: null };
}
