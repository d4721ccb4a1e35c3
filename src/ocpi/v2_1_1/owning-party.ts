/** The party a 2.1.1 object belongs to: 2.1.1 objects need not say, the connection's credentials do. */
export interface OwningParty {
  country_code: string;
  party_id: string;
}

/**
 * The party a 2.1.1 Tariff, Session or CDR is filed under: the connection's (`owner`, from the 2.1.1 credentials), which
 * wins over a country_code / party_id the object may carry; else the object's own. Neither: the object cannot be filed
 * against a party, and the reason says so naming `noun`.
 */
export function owningParty(noun: string, owner: OwningParty | undefined, sent: { country_code?: string; party_id?: string }): OwningParty | { reason: string } {
  const country_code = owner?.country_code ?? sent.country_code;
  const party_id = owner?.party_id ?? sent.party_id;
  if (!country_code || !party_id) return { reason: `a 2.1.1 ${noun} carries no country_code / party_id and no owner was given` };
  return { country_code, party_id };
}
