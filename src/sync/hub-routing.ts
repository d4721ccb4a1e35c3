import { OcpiParty } from '../ocpi/client/ocpi-client';

/**
 * GET All via a hub (transport_and_format 2.2.1 §GET All via Hubs): when the connection's counterpart is a HUB, a GET
 * of a whole list addresses the hub itself in the OCPI-to-* headers; a direct CPO connection needs none.
 */
export function hubOf(parties: ReadonlyArray<{ role: string; countryCode: string; partyId: string }>): OcpiParty | null {
  const hub = parties.find((p) => p.role === 'HUB');
  return hub ? { countryCode: hub.countryCode, partyId: hub.partyId } : null;
}
