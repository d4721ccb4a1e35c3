/**
 * Whether a connection may write objects of party (country_code, party_id): its own parties only; a HUB connection
 * relays many parties, so every party. "A CPO sees/changes only its own objects."
 */
export function partyFilter(parties: ReadonlyArray<{ role: string; countryCode: string; partyId: string }>): (countryCode: string, partyId: string) => boolean {
  if (parties.some((p) => p.role === 'HUB')) return () => true;
  const own = new Set(parties.map((p) => `${p.countryCode}*${p.partyId}`.toUpperCase()));
  return (countryCode: string, partyId: string) => own.has(`${countryCode}*${partyId}`.toUpperCase());
}
