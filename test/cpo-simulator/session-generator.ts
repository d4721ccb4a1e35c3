/**
 * Sessions (mod_sessions 2.1.1 §3.1, 2.2.1 / 2.3.0 §Session object) for the Locations and Tariffs a simulator serves,
 * priced by the simulator itself from those Tariffs, as a CPO's billing would (see cdr-generator.ts):
 * - a running session as of a given instant: one ChargingPeriod per full `periodMinutes` since its start (3 kWh and
 *   TIME of the period's length each, so its charging periods grow as the instant moves on), total_cost so far;
 *   PENDING until its first period is complete, ACTIVE after;
 * - the COMPLETED sessions that CDRs close: the same instants, energy, periods and cost as the CDR (2.2.1+ under the
 *   CDR's session_id; 2.1.1 CDRs name no session, so "S-" + the CDR's id).
 * Written from the spec only; nothing here imports from src/.
 */
import { Decimal } from 'decimal.js';
import { priceQuantities, priceableSites } from './cdr-generator';
import type { RawObject, SimulatorVersionId } from './ocpi-types';

export interface RunningSessionOptions {
  version: SimulatorVersionId;
  /** The served Locations and Tariffs, in the version's wire shape. */
  locations: RawObject[];
  tariffs: RawObject[];
  /** Owner of the session (2.1.1 objects carry none). */
  countryCode: string;
  partyId: string;
  id: string;
  /** Epoch ms when the session became ACTIVE. */
  start: number;
  /** Epoch ms the session is described as of (its last_updated is the end of its last full period). */
  at: number;
  /** Length of one ChargingPeriod. Default 15. */
  periodMinutes?: number;
  /** kWh charged per period (whole kWh, so no ENERGY step_size rounds). Default 3. */
  kwhPerPeriod?: number;
  /** Which priceable connector (an index into them, modulo their number). Default 0. */
  site?: number;
  /** Billed € 0.50 more than its tariff says (before and after taxes). */
  mispriced?: boolean;
  /** 2.2.1+: periods name their tariff (tariff_id). Default true. */
  namesTariff?: boolean;
  tokenUid?: string;
  contractId?: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A running session in the version's wire shape. @throws Error when no served connector has a priceable tariff. */
export function runningSession(o: RunningSessionOptions): RawObject {
  const minutes = o.periodMinutes ?? 15;
  const sites = priceableSites(o).filter((s) => timeStepsDivide(s.tariff, minutes * 60));
  if (sites.length === 0) throw new Error('no served connector has a tariff the simulator can price');
  const site = sites[(o.site ?? 0) % sites.length];
  const kwh = o.kwhPerPeriod ?? 3;
  const n = Math.max(0, Math.floor((o.at - o.start) / (minutes * 60_000)));
  const named = o.version !== '2.1.1' && o.namesTariff !== false ? { tariff_id: String(site.tariff.id) } : {};
  const periods = Array.from({ length: n }, (_, i) => ({
    start_date_time: iso(o.start + i * minutes * 60_000),
    dimensions: [
      { type: 'ENERGY', volume: kwh },
      { type: 'TIME', volume: minutes / 60 },
    ],
    ...named,
  }));
  let [before, after] = priceQuantities(site.tariff, { kwh: new Decimal(kwh * n), chargeHours: new Decimal(minutes * n).div(60), parkHours: new Decimal(0) });
  if (o.mispriced) [before, after] = [before.plus('0.50'), after.plus('0.50')];
  const uid = o.tokenUid ?? `TOKEN-${o.id}`;
  const common = {
    id: o.id,
    kwh: kwh * n,
    auth_method: 'WHITELIST',
    currency: String(site.tariff.currency),
    ...(n > 0 ? { charging_periods: periods } : {}),
    status: n > 0 ? 'ACTIVE' : 'PENDING',
    last_updated: iso(o.start + n * minutes * 60_000),
  };
  if (o.version === '2.1.1') {
    return {
      ...common,
      start_datetime: iso(o.start),
      auth_id: o.contractId ?? uid,
      location: { ...site.location, evses: [{ ...site.evse, connectors: [site.connector] }] },
      ...(n > 0 ? { total_cost: before.toNumber() } : {}),
    };
  }
  return {
    country_code: o.countryCode,
    party_id: o.partyId,
    ...common,
    start_date_time: iso(o.start),
    cdr_token: { country_code: 'NL', party_id: 'EMS', uid, type: 'RFID', contract_id: o.contractId ?? `NL-EMS-C-${o.id}` },
    location_id: site.location.id,
    evse_uid: site.evse.uid,
    connector_id: site.connector.id,
    ...(n > 0 ? { total_cost: priceOf(o.version, before, after) } : {}),
  };
}

/** The COMPLETED sessions that these CDRs (generateCdrs, or the spec's example) close, in the CDRs' version. */
export function sessionsOfCdrs(version: SimulatorVersionId, cdrs: RawObject[]): RawObject[] {
  return cdrs.map((cdr) => {
    const common = {
      kwh: cdr.total_energy,
      auth_method: cdr.auth_method,
      currency: cdr.currency,
      charging_periods: cdr.charging_periods,
      total_cost: cdr.total_cost,
      status: 'COMPLETED',
      last_updated: cdr.last_updated,
    };
    if (version === '2.1.1') {
      return { id: `S-${String(cdr.id)}`, start_datetime: cdr.start_date_time, end_datetime: cdr.stop_date_time, auth_id: cdr.auth_id, location: cdr.location, ...common };
    }
    const l = cdr.cdr_location as RawObject;
    return {
      country_code: cdr.country_code,
      party_id: cdr.party_id,
      id: cdr.session_id,
      start_date_time: cdr.start_date_time,
      end_date_time: cdr.end_date_time,
      cdr_token: cdr.cdr_token,
      location_id: l.id,
      evse_uid: l.evse_uid,
      connector_id: l.connector_id,
      ...common,
    };
  });
}

/** Price 2.2.1 (excl_vat / incl_vat) or 2.3.0 (before_taxes + taxes). */
function priceOf(version: SimulatorVersionId, before: Decimal, after: Decimal): RawObject {
  return version === '2.2.1'
    ? { excl_vat: before.toNumber(), incl_vat: after.toNumber() }
    : { before_taxes: before.toNumber(), taxes: [{ name: 'VAT', amount: after.minus(before).toNumber() }] };
}

/** TIME step_sizes that divide the period's length never round a period's time. */
function timeStepsDivide(tariff: RawObject, seconds: number): boolean {
  const pcs = ((tariff.elements as RawObject[])[0].price_components as RawObject[]).filter((pc) => pc.type === 'TIME');
  return pcs.every((pc) => seconds % Math.max(1, Number(pc.step_size) || 1) === 0);
}
