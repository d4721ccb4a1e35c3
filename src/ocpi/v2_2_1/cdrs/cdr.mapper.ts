import { CanonicalCdr, CdrAmount, CdrChargingPeriod, CdrLocationSnapshot } from '../../../cdrs/cdr.model';
import { CanonicalTariff } from '../../../tariffs/tariff.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { validateWireObject } from '../../wire/wire-validation';
import { PriceDto } from '../tariffs/tariff.dto';
import { mapTariff221 } from '../tariffs/tariff.mapper';
import { CdrCommonDto, CdrDto, CdrLocationDto, ChargingPeriodDto } from './cdr.dto';

/**
 * Maps an OCPI 2.2.1 CDR (mod_cdrs 2.2.1 §CDR object) to the canonical CDR. Costs are Price (excl_vat / incl_vat:
 * types 2.2.1 §Price class) → before_taxes / after_taxes. The tariffs it carries go through the 2.2.1 Tariff mapper.
 * Rejects, with every reason: a missing required field, a tariff that is not a valid Tariff, a credit CDR without
 * credit_reference_id (§CDR object: "needs to be set as well"). Never throws.
 */
export function mapCdr221(raw: unknown): MappingResult<CanonicalCdr> {
  const checked = validateWireObject(CdrDto, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  const dto = checked.value;
  return mapCdrBody(raw, dto, mapPrice221, mapTariff221, []);
}

/** Price 2.2.1 → CdrAmount. */
function mapPrice221(dto: PriceDto | undefined, _notes: string[], problems: string[], field: string): CdrAmount | null {
  if (!dto) return null;
  // A list passes the nested validation (each of its elements, none, is valid), yet is no Price.
  if (Array.isArray(dto)) {
    problems.push(`${field}: must be a Price object, not a list`);
    return null;
  }
  const incl = dto.incl_vat === undefined || dto.incl_vat === null ? null : toDecimalString(dto.incl_vat);
  return { before_taxes: toDecimalString(dto.excl_vat)!, after_taxes: incl, taxes: null };
}

/** The fields 2.2.1 and 2.3.0 CDRs share; `price` reads a cost in the version's Price shape. */
export interface CdrBodyDto extends CdrCommonDto {
  total_cost: unknown;
  total_fixed_cost?: unknown;
  total_energy_cost?: unknown;
  total_time_cost?: unknown;
  total_parking_cost?: unknown;
  total_reservation_cost?: unknown;
}

/** Shared by the 2.2.1 and 2.3.0 mappers (the CDR object is the same but for the Price class). */
export function mapCdrBody<P>(
  raw: unknown,
  dto: CdrBodyDto,
  price: (dto: P | undefined, notes: string[], problems: string[], field: string) => CdrAmount | null,
  mapTariff: (raw: unknown) => MappingResult<CanonicalTariff>,
  notes: string[],
): MappingResult<CanonicalCdr> {
  const problems: string[] = [];
  const cost = (field: keyof CdrBodyDto) => price(dto[field] as P | undefined, notes, problems, field);
  const tariffs = mapCdrTariffs(dto.tariffs, mapTariff, problems);
  if (dto.credit === true && !dto.credit_reference_id) problems.push('credit_reference_id: is required for a credit CDR (credit: true)');
  const totalCost = cost('total_cost');
  const costs = {
    total_fixed_cost: cost('total_fixed_cost'),
    total_energy_cost: cost('total_energy_cost'),
    total_time_cost: cost('total_time_cost'),
    total_parking_cost: cost('total_parking_cost'),
    total_reservation_cost: cost('total_reservation_cost'),
  };
  if (problems.length > 0 || !totalCost) return { ok: false, reason: problems.join('; ') || 'total_cost: is required', identity: readIdentity(raw) };
  const token = dto.cdr_token;
  return {
    ok: true,
    value: {
      country_code: dto.country_code.toUpperCase(),
      party_id: dto.party_id.toUpperCase(),
      id: dto.id,
      start_date_time: toUtcIso(dto.start_date_time),
      end_date_time: toUtcIso(dto.end_date_time),
      session_id: dto.session_id ?? null,
      cdr_token: { country_code: token.country_code.toUpperCase(), party_id: token.party_id.toUpperCase(), uid: token.uid, type: token.type, contract_id: token.contract_id },
      auth_id: token.uid,
      auth_method: dto.auth_method,
      authorization_reference: dto.authorization_reference ?? null,
      cdr_location: mapCdrLocation221(dto.cdr_location),
      meter_id: dto.meter_id ?? null,
      currency: dto.currency.toUpperCase(),
      tariffs,
      charging_periods: dto.charging_periods.map(mapChargingPeriod),
      signed_data: dto.signed_data ?? null,
      total_cost: totalCost,
      ...costs,
      total_energy: toDecimalString(dto.total_energy)!,
      total_time: toDecimalString(dto.total_time)!,
      total_parking_time: dto.total_parking_time === undefined || dto.total_parking_time === null ? null : toDecimalString(dto.total_parking_time),
      remark: dto.remark ?? null,
      invoice_reference_id: dto.invoice_reference_id ?? null,
      credit: dto.credit ?? false,
      credit_reference_id: dto.credit_reference_id ?? null,
      home_charging_compensation: dto.home_charging_compensation ?? false,
      last_updated: toUtcIso(dto.last_updated),
      ...(notes.length > 0 ? { notes } : {}),
    },
  };
}

/** The CDR's own tariffs through the version's Tariff mapper; each failure is a problem naming its index. */
export function mapCdrTariffs(raws: unknown[] | undefined, mapTariff: (raw: unknown) => MappingResult<CanonicalTariff>, problems: string[]): CanonicalTariff[] {
  const out: CanonicalTariff[] = [];
  (raws ?? []).forEach((raw, i) => {
    const mapped = mapTariff(raw);
    if (mapped.ok) out.push(mapped.value);
    else problems.push(`tariffs[${i}]: ${mapped.reason}`);
  });
  return out;
}

/** ChargingPeriod (mod_cdrs 2.2.1 §ChargingPeriod class); volumes become decimal strings. */
export function mapChargingPeriod(p: ChargingPeriodDto): CdrChargingPeriod {
  return {
    start_date_time: toUtcIso(p.start_date_time),
    dimensions: p.dimensions.map((d) => ({ type: d.type, volume: toDecimalString(d.volume)! })),
    tariff_id: p.tariff_id ?? null,
  };
}

function mapCdrLocation221(l: CdrLocationDto): CdrLocationSnapshot {
  return {
    id: l.id,
    name: l.name ?? null,
    address: l.address,
    city: l.city,
    postal_code: l.postal_code ?? null,
    state: l.state ?? null,
    country: l.country,
    coordinates: { latitude: toDecimalString(l.coordinates.latitude)!, longitude: toDecimalString(l.coordinates.longitude)! },
    evse_uid: l.evse_uid,
    evse_id: l.evse_id,
    connector_id: l.connector_id,
    connector_standard: l.connector_standard,
    connector_format: l.connector_format,
    connector_power_type: l.connector_power_type,
    tariff_ids: [],
    time_zone: null,
  };
}
