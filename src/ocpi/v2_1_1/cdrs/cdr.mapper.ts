import { CanonicalCdr } from '../../../cdrs/cdr.model';
import { MappingResult, ObjectIdentity, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { validateWireObject } from '../../wire/wire-validation';
import { WireDeviation } from '../../wire/wire-deviation';
import { checkedAmount, mapCdrTariffs, mapChargingPeriod, PriceContext, upperCaseCurrency } from '../../v2_2_1/cdrs/cdr.mapper';
import { OwningParty, owningParty } from '../owning-party';
import { mapTariff211 } from '../tariffs/tariff.mapper';
import { CdrDto211, CdrLocationDto211 } from './cdr.dto';

/**
 * Maps an OCPI 2.1.1 CDR (mod_cdrs 2.1.1 §3.1) to the canonical CDR.
 *
 * - Owner: 2.1.1 CDRs name none; the connection's party (`owner`) owns them, as for Tariffs.
 * - stop_date_time → end_date_time; auth_id kept, cdr_token null (2.1.1 has no CdrToken).
 * - total_cost is "Total cost (excluding VAT)": before_taxes; after_taxes null (the VAT is never told).
 * - location: the Location object's first EVSE and its first Connector (the spec sends "only the relevant" ones;
 *   more is said in notes) become the snapshot, with the connector's tariff_id as tariff_ids and the Location's
 *   time_zone when it has one.
 * - tariffs go through the 2.1.1 Tariff mapper under the same owner.
 * Rejects, with every reason: a missing required field, a field breaking its rule (identifiers, ISO 4217 currency,
 * quantities: see cdr.dto.ts; total_cost at most MAX_AMOUNT and never negative, 2.1.1 having no credit CDRs) or an
 * invalid tariff. Tolerated and returned as a deviation: a lower-case currency; `end_date_time` (the 2.2 name) instead
 * of `stop_date_time`, seen in the field, read as stop_date_time (FIELD_UNDER_LATER_VERSION_NAME). A refused CDR is
 * filed under the connection's party (`owner`), which 2.1.1 CDRs do not name themselves. Never throws.
 */
export function mapCdr211(raw: unknown, owner?: OwningParty): MappingResult<CanonicalCdr> {
  const deviations: WireDeviation[] = [];
  const identity = identity211(raw, owner);
  const checked = validateWireObject(CdrDto211, stopTimeUnderAlias(raw, deviations));
  if (!checked.ok) return { ok: false, reason: checked.reason, identity };
  const dto = checked.value;
  const party = owningParty('CDR', owner, dto);
  if ('reason' in party) return { ok: false, reason: party.reason, identity };
  const { country_code: countryCode, party_id: partyId } = party;
  const context: PriceContext = { notes: [], problems: [], deviations: [], negativeAllowed: false };
  const { notes, problems } = context;
  const tariffOwner = { country_code: countryCode, party_id: partyId };
  const tariffs = mapCdrTariffs(dto.tariffs, (t) => mapTariff211(t, tariffOwner), problems);
  const totalCost = checkedAmount('total_cost', toDecimalString(dto.total_cost)!, context);
  if (problems.length > 0) return { ok: false, reason: problems.join('; '), identity };
  const currency = upperCaseCurrency(dto.currency, deviations);
  const location = snapshot(dto.location, notes);
  return {
    ok: true,
    deviations,
    value: {
      country_code: countryCode.toUpperCase(),
      party_id: partyId.toUpperCase(),
      id: dto.id,
      start_date_time: toUtcIso(dto.start_date_time),
      end_date_time: toUtcIso(dto.stop_date_time),
      session_id: null,
      cdr_token: null,
      auth_id: dto.auth_id,
      auth_method: dto.auth_method,
      authorization_reference: null,
      cdr_location: location,
      meter_id: dto.meter_id ?? null,
      currency,
      tariffs,
      charging_periods: dto.charging_periods.map(mapChargingPeriod),
      signed_data: null,
      total_cost: { before_taxes: totalCost, after_taxes: null, taxes: null },
      total_fixed_cost: null,
      total_energy_cost: null,
      total_time_cost: null,
      total_parking_cost: null,
      total_reservation_cost: null,
      total_energy: toDecimalString(dto.total_energy)!,
      total_time: toDecimalString(dto.total_time)!,
      total_parking_time: dto.total_parking_time === undefined || dto.total_parking_time === null ? null : toDecimalString(dto.total_parking_time),
      remark: dto.remark ?? null,
      invoice_reference_id: null,
      credit: false,
      credit_reference_id: null,
      home_charging_compensation: false,
      last_updated: toUtcIso(dto.last_updated),
      ...(notes.length > 0 ? { notes } : {}),
    },
  };
}

/** The CDR's identity for a refusal: its id, under the connection's party (2.1.1 CDRs name none), else what it says. */
function identity211(raw: unknown, owner: OwningParty | undefined): ObjectIdentity {
  const sent = readIdentity(raw);
  return { countryCode: owner?.country_code ?? sent.countryCode, partyId: owner?.party_id ?? sent.partyId, id: sent.id };
}

/**
 * `raw` with `end_date_time` read as `stop_date_time` when only the former is sent (the 2.2 name of the same instant,
 * mod_cdrs 2.1.1 §3.1 / 2.2.1 §CDR object), recording the deviation; `raw` itself when not. Both sent: stop_date_time
 * is the 2.1.1 field and wins, the other is left in the raw object.
 */
function stopTimeUnderAlias(raw: unknown, deviations: WireDeviation[]): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const o = raw as Record<string, unknown>;
  if (o.stop_date_time !== undefined || o.end_date_time === undefined) return raw;
  deviations.push({ kind: 'FIELD_UNDER_LATER_VERSION_NAME', field: 'end_date_time', example: 'stop_date_time' });
  return { ...o, stop_date_time: o.end_date_time };
}

function snapshot(l: CdrLocationDto211, notes: string[]) {
  const evse = l.evses[0];
  const connector = evse.connectors[0];
  if (l.evses.length > 1 || evse.connectors.length > 1) notes.push('location lists more than one EVSE or Connector; the first of each is taken as the one charged at');
  return {
    id: l.id,
    name: l.name ?? null,
    address: l.address,
    city: l.city,
    postal_code: l.postal_code ?? null,
    state: null,
    country: l.country,
    coordinates: { latitude: toDecimalString(l.coordinates.latitude)!, longitude: toDecimalString(l.coordinates.longitude)! },
    evse_uid: evse.uid,
    evse_id: evse.evse_id ?? null,
    connector_id: connector.id,
    connector_standard: connector.standard,
    connector_format: connector.format,
    connector_power_type: connector.power_type,
    tariff_ids: connector.tariff_id ? [connector.tariff_id] : [],
    time_zone: l.time_zone ?? null,
  };
}
