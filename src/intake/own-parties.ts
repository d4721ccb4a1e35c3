/**
 * Whether a connection may write objects of party (country_code, party_id): its own parties only ("a CPO sees/changes
 * only its own objects"). A list holding a HUB party allows every party: that is what a pull from a Hub's Sender
 * interface carries (GET All via Hubs). A push through a Hub never gets that far: its source's parties are the one
 * party of its OCPI-from header (ocpi/server/message-routing.ts), and a Location a Hub relays never overwrites the CPO's
 * own copy (LocationStore: the direct route wins).
 */
export function partyFilter(parties: ReadonlyArray<{ role: string; countryCode: string; partyId: string }>): (countryCode: string, partyId: string) => boolean {
  if (parties.some((p) => p.role === 'HUB')) return () => true;
  const own = new Set(parties.map((p) => `${p.countryCode}*${p.partyId}`.toUpperCase()));
  return (countryCode: string, partyId: string) => own.has(`${countryCode}*${partyId}`.toUpperCase());
}
