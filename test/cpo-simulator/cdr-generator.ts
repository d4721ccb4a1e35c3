/**
 * CDRs (mod_cdrs 2.1.1 §3.1, 2.2.1 / 2.3.0 §CDR object) for the Locations and Tariffs a simulator serves, priced by
 * the simulator itself from those Tariffs, as a CPO's billing would: correctly, or deliberately not (`mispriced`).
 *
 * Only Tariffs the simulator can price by plain multiplication are used: one TariffElement without restrictions,
 * PriceComponents FLAT / ENERGY / TIME / PARKING_TIME, no min/max_price, no type or REGULAR. Quantities are chosen so
 * that no step_size rounds anything (whole kWh; 30-minute blocks of charging and parking), and the total is rounded
 * half-up to cents once (mod_cdrs 2.2.1 §CDR object total_cost). Each CDR has a charging period (ENERGY, TIME) and,
 * when parking, a second one (PARKING_TIME). Written from the spec only; nothing here imports from src/.
 */
import { Decimal } from 'decimal.js';
import { isRecord } from './guards';
import type { RawObject, SimulatorVersionId } from './ocpi-types';
import { mulberry32 } from './prng';

export interface GenerateCdrsOptions {
  version: SimulatorVersionId;
  /** The served Locations and Tariffs, in the version's wire shape. */
  locations: RawObject[];
  tariffs: RawObject[];
  /** Owner of 2.1.1 objects (which carry none) and of the CDRs. */
  countryCode: string;
  partyId: string;
  count: number;
  seed?: number;
  /** Indexes (0-based) of CDRs billed € 0.50 more than their tariff says (before and after taxes). */
  mispriced?: number[];
  /** Indexes of CDRs that do not carry their tariffs (the eMSP must price them from the Location's). Default: odd ones. */
  withoutTariffs?: number[];
  /** Sessions start on this day (UTC) or later, one a day. Default 2024-06-03. */
  firstDay?: string;
  /** CDR id prefix. Default 'CDR-'. */
  idPrefix?: string;
}

/** A connector whose tariff the simulator's billing can price, with its EVSE and Location (wire shapes). */
export interface Site {
  location: RawObject;
  evse: RawObject;
  connector: RawObject;
  tariff: RawObject;
}

const PRICEABLE = new Set(['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME']);

/** Takes the options; returns `count` CDRs in the version's wire shape (fewer when no connector has a priceable tariff). */
export function generateCdrs(options: GenerateCdrsOptions): RawObject[] {
  const sites = priceableSites(options);
  if (sites.length === 0) return [];
  const rng = mulberry32(options.seed ?? 1);
  const firstDay = Date.parse(`${options.firstDay ?? '2024-06-03'}T00:00:00Z`);
  const without = new Set(options.withoutTariffs ?? Array.from({ length: options.count }, (_, i) => i).filter((i) => i % 2 === 1));
  return Array.from({ length: options.count }, (_, i) => {
    const site = sites[i % sites.length];
    const kwh = rng.int(2, 40);
    const chargeHalfHours = rng.int(1, 6);
    const parkHalfHours = rng.int(0, 2);
    const start = firstDay + i * 86_400_000 + rng.int(6, 20) * 3_600_000 + rng.int(0, 59) * 60_000;
    return cdrOf(options, site, i, { start, kwh, chargeHalfHours, parkHalfHours, carriesTariffs: !without.has(i), mispriced: options.mispriced?.includes(i) ?? false });
  });
}

interface Session {
  start: number;
  kwh: number;
  chargeHalfHours: number;
  parkHalfHours: number;
  carriesTariffs: boolean;
  mispriced: boolean;
}

/** The tariff's cost of a session: [before taxes, after taxes], exact, then rounded to cents once. */
function price(tariff: RawObject, s: Session): [Decimal, Decimal] {
  return priceQuantities(tariff, { kwh: new Decimal(s.kwh), chargeHours: new Decimal(s.chargeHalfHours).div(2), parkHours: new Decimal(s.parkHalfHours).div(2) });
}

/**
 * What a priceable tariff (see priceableSites) charges for these quantities: [before taxes, after taxes], exact, then
 * rounded to cents once. The quantities must be ones no step_size rounds.
 */
export function priceQuantities(tariff: RawObject, q: { kwh: Decimal; chargeHours: Decimal; parkHours: Decimal }): [Decimal, Decimal] {
  const quantity: Record<string, Decimal> = { FLAT: new Decimal(1), ENERGY: q.kwh, TIME: q.chargeHours, PARKING_TIME: q.parkHours };
  let before = new Decimal(0);
  let after = new Decimal(0);
  for (const pc of (tariff.elements as RawObject[])[0].price_components as RawObject[]) {
    const amount = new Decimal(String(pc.price)).times(quantity[pc.type as string]);
    before = before.plus(amount);
    after = after.plus(amount.times(new Decimal(1).plus(new Decimal((pc.vat as number | string | undefined) ?? 0).div(100))));
  }
  return [before.toDecimalPlaces(2, Decimal.ROUND_HALF_UP), after.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)];
}

function cdrOf(options: GenerateCdrsOptions, site: Site, index: number, s: Session): RawObject {
  const { version } = options;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const chargeEnd = s.start + s.chargeHalfHours * 1_800_000;
  const end = chargeEnd + s.parkHalfHours * 1_800_000;
  let [before, after] = price(site.tariff, s);
  if (s.mispriced) [before, after] = [before.plus('0.50'), after.plus('0.50')];
  const tariffId = String(site.tariff.id);
  const named = version === '2.1.1' ? {} : { tariff_id: tariffId };
  const periods: RawObject[] = [
    {
      start_date_time: iso(s.start),
      dimensions: [
        { type: 'ENERGY', volume: s.kwh },
        { type: 'TIME', volume: s.chargeHalfHours / 2 },
      ],
      ...named,
    },
  ];
  if (s.parkHalfHours > 0) periods.push({ start_date_time: iso(chargeEnd), dimensions: [{ type: 'PARKING_TIME', volume: s.parkHalfHours / 2 }], ...named });
  const id = `${options.idPrefix ?? 'CDR-'}${String(index + 1).padStart(5, '0')}`;
  const common = {
    id,
    start_date_time: iso(s.start),
    currency: String(site.tariff.currency),
    ...(s.carriesTariffs ? { tariffs: [site.tariff] } : {}),
    charging_periods: periods,
    total_energy: s.kwh,
    total_time: (s.chargeHalfHours + s.parkHalfHours) / 2,
    ...(s.parkHalfHours > 0 ? { total_parking_time: s.parkHalfHours / 2 } : {}),
    last_updated: iso(end + 600_000),
  };
  const uid = `TOKEN-${String(index + 1).padStart(4, '0')}`;
  if (version === '2.1.1') {
    return {
      ...common,
      stop_date_time: iso(end),
      auth_id: uid,
      auth_method: 'WHITELIST',
      location: { ...site.location, evses: [{ ...site.evse, connectors: [site.connector] }] },
      total_cost: before.toNumber(),
    };
  }
  const total =
    version === '2.2.1'
      ? { excl_vat: before.toNumber(), incl_vat: after.toNumber() }
      : { before_taxes: before.toNumber(), taxes: [{ name: 'VAT', amount: after.minus(before).toNumber() }] };
  const l = site.location;
  return {
    country_code: options.countryCode,
    party_id: options.partyId,
    ...common,
    end_date_time: iso(end),
    session_id: `SESSION-${String(index + 1).padStart(5, '0')}`,
    cdr_token: { country_code: 'NL', party_id: 'EMS', uid, type: 'RFID', contract_id: `NL-EMS-C${String(index + 1).padStart(8, '0')}` },
    auth_method: 'WHITELIST',
    cdr_location: {
      id: l.id,
      name: l.name,
      address: l.address,
      city: l.city,
      postal_code: l.postal_code,
      country: l.country,
      coordinates: l.coordinates,
      evse_uid: site.evse.uid,
      evse_id: site.evse.evse_id ?? String(site.evse.uid),
      connector_id: site.connector.id,
      connector_standard: site.connector.standard,
      connector_format: site.connector.format,
      connector_power_type: site.connector.power_type,
    },
    total_cost: total,
  };
}

/** Every connector whose (single, unique) tariff the simulator can price by multiplication. */
export function priceableSites(options: Pick<GenerateCdrsOptions, 'locations' | 'tariffs'>): Site[] {
  const count = new Map<string, number>();
  for (const t of options.tariffs) count.set(String(t.id), (count.get(String(t.id)) ?? 0) + 1);
  const byId = new Map(options.tariffs.filter((t) => count.get(String(t.id)) === 1 && priceable(t)).map((t) => [String(t.id), t]));
  const sites: Site[] = [];
  for (const location of options.locations) {
    for (const evse of (location.evses as RawObject[] | undefined) ?? []) {
      for (const connector of (evse.connectors as RawObject[] | undefined) ?? []) {
        const ids = Array.isArray(connector.tariff_ids) ? (connector.tariff_ids as string[]) : typeof connector.tariff_id === 'string' ? [connector.tariff_id] : [];
        // A connector listing several tariffs leaves open which one billed: only single-tariff connectors are used.
        const tariff = ids.length === 1 ? byId.get(ids[0]) : undefined;
        if (tariff) sites.push({ location, evse, connector, tariff });
      }
    }
  }
  return sites;
}

function priceable(t: RawObject): boolean {
  const elements = t.elements as RawObject[] | undefined;
  if (!Array.isArray(elements) || elements.length !== 1 || t.min_price || t.max_price) return false;
  if (t.type !== undefined && t.type !== null && t.type !== 'REGULAR') return false;
  const [e] = elements;
  if (isRecord(e.restrictions) && Object.keys(e.restrictions).length > 0) return false;
  const pcs = e.price_components as RawObject[] | undefined;
  return Array.isArray(pcs) && pcs.length > 0 && pcs.every((pc) => PRICEABLE.has(String(pc.type)) && stepNeverRounds(pc));
}

/** With whole kWh and 30-minute blocks, a step_size that divides 1 kWh (ENERGY) or 30 minutes (TIME, PARKING_TIME) never rounds. */
function stepNeverRounds(pc: RawObject): boolean {
  const step = Math.max(1, Number(pc.step_size) || 1);
  if (pc.type === 'ENERGY') return 1000 % step === 0;
  if (pc.type === 'TIME' || pc.type === 'PARKING_TIME') return 1800 % step === 0;
  return true;
}
