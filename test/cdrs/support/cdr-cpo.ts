/**
 * A simulated CPO of one OCPI version serving Locations, simple Tariffs its own billing can price, and CDRs: the
 * version's "Example of a CDR" (mod_cdrs), generated ones (some deliberately mispriced, every other one without its
 * tariffs) and one invalid CDR. Registered with the test service through the operations API.
 */
import { generateCdrs, loadCdrExample, toOcpi211Tariff, type CpoSimulatorOptions } from '../../cpo-simulator';
import { locationsFor } from '../../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../../support/registered-cpo';
import { TestService } from '../../support/test-service';

export type Version = '2.1.1' | '2.2.1' | '2.3.0';

/** Two tariffs without restrictions (2.2.1 shape): start fee + energy, and time + parking. */
export function simpleTariffs(owner: { countryCode: string; partyId: string }, lastUpdated = '2024-01-01T00:00:00Z'): Array<Record<string, any>> {
  const base = { country_code: owner.countryCode, party_id: owner.partyId, currency: 'EUR', last_updated: lastUpdated };
  return [
    {
      ...base,
      id: 'AC-KWH',
      elements: [
        {
          price_components: [
            { type: 'FLAT', price: 0.5, vat: 20, step_size: 1 },
            { type: 'ENERGY', price: 0.35, vat: 20, step_size: 100 },
          ],
        },
      ],
    },
    {
      ...base,
      id: 'AC-TIME',
      elements: [
        {
          price_components: [
            { type: 'TIME', price: 2.4, vat: 10, step_size: 300 },
            { type: 'PARKING_TIME', price: 5, vat: 20, step_size: 300 },
          ],
        },
      ],
    },
  ];
}

/** A tariff in the wire shape of `version`. */
export function tariffFor(version: Version, t: Record<string, any>): Record<string, any> {
  if (version === '2.1.1') return toOcpi211Tariff(t);
  if (version === '2.3.0') return { ...t, tax_included: 'NO' };
  return t;
}

export interface CdrCpo extends RegisteredCpo {
  version: Version;
  locations: Array<Record<string, any>>;
  tariffs: Array<Record<string, any>>;
  generated: Array<Record<string, any>>;
  example: Record<string, any>;
  invalid: Record<string, any>;
}

/** Generated CDRs 0..5: index 2 and 5 are billed € 0.50 too much; odd ones carry no tariffs. */
export const MISPRICED = [2, 5];

export async function startCdrCpo(
  service: TestService,
  version: Version,
  owner: { countryCode: string; partyId: string },
  extra: Partial<CpoSimulatorOptions> = {},
): Promise<CdrCpo> {
  const locations = locationsFor(version, { count: 3, seed: 11, center: { latitude: 50.85, longitude: 4.35 }, radiusKm: 3, tariffIds: ['AC-KWH', 'AC-TIME'], ...owner }) as Array<
    Record<string, any>
  >;
  const tariffs = simpleTariffs(owner).map((t) => tariffFor(version, t));
  const generated = generateCdrs({ version, locations, tariffs, ...owner, count: 6, seed: 5, mispriced: MISPRICED });
  const example = loadCdrExample(version, owner);
  // mod_cdrs §CDR object: cdr_token (2.2.1+) / auth_id (2.1.1) is required.
  const invalid = { ...generated[0], id: 'CDR-INVALID' } as Record<string, any>;
  delete invalid[version === '2.1.1' ? 'auth_id' : 'cdr_token'];
  const cdrs = [example, ...generated.slice(0, 3), invalid, ...generated.slice(3)];
  const cpo = await registerCpo(service, { version, ...owner, locations, tariffs, cdrs, maxPageLimit: 4, ...extra });
  return { ...cpo, version, locations, tariffs, generated, example, invalid };
}
