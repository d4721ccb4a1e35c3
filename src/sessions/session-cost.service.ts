import { Injectable } from '@nestjs/common';
import { LocationReader, StoredConnector } from '../locations/location.reader';
import { timeZoneAt } from '../locations/time-zone-lookup';
import { Amount } from '../tariffs/engine/charge-cost.model';
import { priceChargingPeriods, readsLocalTime, tariffsForUnnamedPeriods } from '../tariffs/engine/charging-periods';
import { TariffReader } from '../tariffs/tariff.reader';
import { CanonicalSession } from './session.model';

/** Which tariffs priced a Session: the ones its ChargingPeriods name, the ones its connector lists, or none we hold. */
export type SessionPricedWith = 'SESSION_TARIFFS' | 'CONNECTOR_TARIFFS' | 'NONE';

/** Where the time zone tariff restrictions were read in came from. */
export type SessionTimeZoneSource = 'LOCATION' | 'SESSION_LOCATION' | 'COORDINATES' | 'NONE';

/** Our own cost of a Session so far, from the tariff engine over the ChargingPeriods received. */
export interface SessionCostSoFar {
  currency: string;
  /** Rounded to the currency's minor unit, decimal strings; a side is null when the tariff leaves it unknown (2.1.1 VAT). */
  before_taxes: string | null;
  after_taxes: string | null;
  taxes: Amount['taxes'];
  exact: boolean;
  not_exact_because: string[];
  priced_with: SessionPricedWith;
  /** The tariff versions used: the ones in force at the session's start (tariff history). */
  tariffs: Array<{ id: string; version_no: number; valid_from: string }>;
  /** The instant the last ChargingPeriod was priced up to: the session's end, else its last update. */
  as_of: string;
  time_zone: string | null;
  time_zone_source: SessionTimeZoneSource;
  notes: string[];
}

/**
 * Prices a Session as far as its ChargingPeriods go (mod_sessions 2.2.1 §Session object: charging_periods "can be used
 * to calculate and verify the total cost"), as recomputeCdrCost prices a CDR (the shared part is
 * tariffs/engine/charging-periods.ts). Tariffs: the ones the periods name (2.2.1+ ChargingPeriod.tariff_id); else the
 * ones the connector lists (our stored Connector, else the 2.1.1 Session's embedded connector), of those the one for
 * all sessions when there are several; each in the version in force at the session's start (TariffReader.findValidAt,
 * mod_tariffs 2.2.1 §Tariff object: the tariff valid when the session starts applies). Time zone: our Location's, else
 * the 2.1.1 Session's embedded Location's, else from its coordinates; none: restrictions on local time are inexact.
 */
@Injectable()
export class SessionCostService {
  constructor(
    private readonly tariffs: TariffReader,
    private readonly locations: LocationReader,
  ) {}

  /** Our cost of `session` so far, with what priced it; never throws (what could not be priced is said). */
  async costSoFar(session: CanonicalSession, connector: StoredConnector | null): Promise<SessionCostSoFar> {
    const notes: string[] = [];
    const asOf = pricedUntil(session);
    const zone = await this.timeZoneOf(session, connector);
    const named = [...new Set(session.charging_periods.map((p) => p.tariff_id).filter((id): id is string => !!id))];
    const listed = connector?.tariff_ids ?? session.location?.tariff_ids ?? [];
    const ids = named.length > 0 ? named : listed;
    const atStart = await this.tariffs.findValidAt(session.country_code, session.party_id, ids, new Date(session.start_date_time));
    const base = { currency: session.currency, as_of: asOf, time_zone: zone.zone, time_zone_source: zone.source };
    if (atStart.length === 0) {
      const why =
        ids.length === 0
          ? 'no charging period names a tariff and the connector lists none we know of'
          : `we hold none of the tariffs ${named.length > 0 ? 'the charging periods name' : 'the connector lists'} (${ids.join(', ')}) in a version in force at ${session.start_date_time}`;
      return { ...base, before_taxes: null, after_taxes: null, taxes: null, exact: false, not_exact_because: [why], priced_with: 'NONE', tariffs: [], notes };
    }
    const pricedWith: SessionPricedWith = named.length > 0 ? 'SESSION_TARIFFS' : 'CONNECTOR_TARIFFS';
    if (pricedWith === 'CONNECTOR_TARIFFS')
      notes.push(`no charging period names a tariff: priced with the tariffs the connector lists, in the versions in force at ${session.start_date_time}`);
    const held = atStart.map((v) => v.tariff);
    const missing = ids.filter((id) => !held.some((t) => t.id === id));
    if (missing.length > 0) notes.push(`tariffs we hold no version of at the start: ${missing.join(', ')}`);
    const used = pricedWith === 'CONNECTOR_TARIFFS' ? tariffsForUnnamedPeriods(session.charging_periods, held, notes) : held;
    const versions = atStart.filter((v) => used.includes(v.tariff)).map((v) => ({ id: v.tariff.id, version_no: v.version_no, valid_from: v.valid_from }));
    try {
      const priced = priceChargingPeriods({ ...session, end_date_time: asOf }, used, zone.zone, 'session');
      const reasons = [...priced.not_exact_because];
      if (zone.source === 'NONE' && readsLocalTime(used)) reasons.push("the Location's time zone is unknown: tariff restrictions on local time were evaluated in UTC");
      return {
        ...base,
        before_taxes: priced.computed.before_taxes,
        after_taxes: priced.computed.after_taxes,
        taxes: priced.computed.taxes,
        exact: reasons.length === 0,
        not_exact_because: reasons,
        priced_with: pricedWith,
        tariffs: versions,
        notes: [...notes, ...priced.notes],
      };
    } catch (error) {
      return {
        ...base,
        before_taxes: null,
        after_taxes: null,
        taxes: null,
        exact: false,
        not_exact_because: [`could not be priced: ${(error as Error).message}`],
        priced_with: pricedWith,
        tariffs: versions,
        notes,
      };
    }
  }

  private async timeZoneOf(session: CanonicalSession, connector: StoredConnector | null): Promise<{ zone: string | null; source: SessionTimeZoneSource }> {
    const stored = connector?.time_zone ?? (await this.locations.timeZone(session.country_code, session.party_id, session.location_id));
    if (stored) return { zone: stored, source: 'LOCATION' };
    if (session.location?.time_zone) return { zone: session.location.time_zone, source: 'SESSION_LOCATION' };
    const c = session.location?.coordinates;
    const [lat, lon] = c ? [Number(c.latitude), Number(c.longitude)] : [NaN, NaN];
    const found = Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? timeZoneAt(lat, lon) : null;
    return found ? { zone: found, source: 'COORDINATES' } : { zone: 'UTC', source: 'NONE' };
  }
}

/**
 * Where the last ChargingPeriod ends for pricing: the session's end; while it runs, its last update (the instant its
 * figures are as of; never before the last period's start).
 */
export function pricedUntil(session: CanonicalSession): string {
  if (session.end_date_time) return session.end_date_time;
  const lastStart = session.charging_periods.reduce((max, p) => (p.start_date_time > max ? p.start_date_time : max), session.start_date_time);
  return lastStart > session.last_updated ? lastStart : session.last_updated;
}
