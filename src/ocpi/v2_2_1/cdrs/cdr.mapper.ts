import { CanonicalCdr, CdrAmount, CdrChargingPeriod, CdrLocationSnapshot, EVSE_UID_TO_DERIVE } from '../../../cdrs/cdr.model';
import { CanonicalTariff } from '../../../tariffs/tariff.model';
import { amountProblem } from '../../wire/field-rules';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { WireDeviation } from '../../wire/wire-deviation';
import { validateWireObject } from '../../wire/wire-validation';
import { PriceDto } from '../tariffs/tariff.dto';
import { mapTariff221 } from '../tariffs/tariff.mapper';
import { CdrCommonDto, CdrDto, CdrLocationDto, ChargingPeriodDto } from './cdr.dto';
import { certainlyValidCdr221 } from './cdr-quick-check';

/**
 * Maps an OCPI 2.2.1 CDR (mod_cdrs 2.2.1 §CDR object) to the canonical CDR. Costs are Price (excl_vat / incl_vat:
 * types 2.2.1 §Price class) → before_taxes / after_taxes. The tariffs it carries go through the 2.2.1 Tariff mapper.
 * Rejects, with every reason: a missing required field, a field breaking its rule (CiString identifiers, ISO 4217
 * currency, quantities, amounts: see cdr.dto.ts and mapCdrBody), a tariff that is not a valid Tariff, a credit CDR
 * without credit_reference_id (§CDR object: "needs to be set as well"). Tolerated and returned as deviations: a
 * total_cost sent as a bare number (see readBareTotalCost), a currency in lower case. Never throws.
 */
export function mapCdr221(raw: unknown): MappingResult<CanonicalCdr> {
  const bare = readBareTotalCost(raw, 'excl_vat');
  const object = bare?.object ?? raw;
  // The hand-written check first (issue 17: re-pricing reads thousands a second); the full one says what is wrong.
  const checked = certainlyValidCdr221(object) ? { ok: true as const, value: object as CdrDto } : validateWireObject(CdrDto, object);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  return mapCdrBody(raw, checked.value, mapPrice221, mapTariff221, bare);
}

/** Price 2.2.1 (types 2.2.1 §Price class) → CdrAmount, each side checked as an amount under its own name; shared with the Session mapper. */
export function mapPrice221(dto: PriceDto | undefined, field: string, context: PriceContext): CdrAmount | null {
  if (!dto) return null;
  const before = checkedAmount(`${field}.excl_vat`, toDecimalString(dto.excl_vat)!, context);
  const after = dto.incl_vat === undefined || dto.incl_vat === null ? null : checkedAmount(`${field}.incl_vat`, toDecimalString(dto.incl_vat)!, context);
  return { before_taxes: before, after_taxes: after, taxes: null };
}

/** What reading one cost of a CDR needs besides its value: where to say what it found, and the CDR's sign rule. */
export interface PriceContext {
  notes: string[];
  problems: string[];
  deviations: WireDeviation[];
  /** Only a credit CDR carries negative amounts (mod_cdrs 2.2.1 §Credit CDRs). */
  negativeAllowed: boolean;
}

/** Reads one cost in the version's Price shape (`field` names it in problems), or null when absent. */
export type PriceReader<P> = (dto: P | undefined, field: string, context: PriceContext) => CdrAmount | null;

/**
 * `amount` (a decimal string) as it is, after checking it against the amount rules (field-rules.ts amountProblem: at
 * most MAX_AMOUNT either way, negative only on a credit CDR); a breach is a problem naming `field`.
 */
export function checkedAmount(field: string, amount: string, context: PriceContext): string {
  const problem = amountProblem(amount, { negativeAllowed: context.negativeAllowed });
  if (problem) context.problems.push(`${field}: ${problem}`);
  return amount;
}

/** A total_cost sent as a bare number: the object to validate with it as a Price, the amount, and the deviation. */
export interface BareTotalCost {
  object: Record<string, unknown>;
  amount: string;
  deviation: WireDeviation;
}

/**
 * Tolerated: total_cost as a bare number or numeric string, the 2.1.1 habit ("Total cost (excluding VAT)"), under a
 * version whose total_cost is a Price (2.2.1 / 2.3.0 §CDR object). Read as the amount before taxes (`side` of the
 * version's Price), after taxes unknown. Anything else that is not a Price ("4,00", a list) is left for the DTO to
 * refuse, naming the field. @returns null when total_cost is not a bare number.
 */
export function readBareTotalCost(raw: unknown, side: 'excl_vat' | 'before_taxes'): BareTotalCost | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const value = (raw as Record<string, unknown>).total_cost;
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  const amount = toDecimalString(value);
  if (amount === null) return null;
  return {
    object: { ...(raw as Record<string, unknown>), total_cost: { [side]: value } },
    amount,
    deviation: { kind: 'PRICE_AS_NUMBER', field: 'total_cost', example: String(value) },
  };
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

/** The longest id of a CDR that is not a credit CDR (mod_cdrs 2.2.1 §CDR object id: "a maximum length of 36"). */
const MAX_ID_LENGTH_NOT_CREDIT = 36;

/**
 * Shared by the 2.2.1 and 2.3.0 mappers (the CDR object is the same but for the Price class). Checks what spans
 * fields: a credit CDR names the CDR it credits; only a credit CDR has an id longer than 36 or negative amounts.
 * `bare`: total_cost came as a bare number (readBareTotalCost), so it is read from there.
 */
export function mapCdrBody<P>(
  raw: unknown,
  dto: CdrBodyDto,
  price: PriceReader<P>,
  mapTariff: (raw: unknown) => MappingResult<CanonicalTariff>,
  bare: BareTotalCost | null,
): MappingResult<CanonicalCdr> {
  const credit = dto.credit === true;
  const context: PriceContext = { notes: [], problems: [], deviations: [], negativeAllowed: credit };
  const { notes, problems, deviations } = context;
  const cost = (field: keyof CdrBodyDto) => price(dto[field] as P | undefined, field, context);
  if (!credit && dto.id.length > MAX_ID_LENGTH_NOT_CREDIT) {
    problems.push(`id: must be shorter than or equal to ${MAX_ID_LENGTH_NOT_CREDIT} characters unless the CDR is a credit CDR (credit: true)`);
  }
  const tariffs = mapCdrTariffs(dto.tariffs, mapTariff, problems);
  if (credit && !dto.credit_reference_id) problems.push('credit_reference_id: is required for a credit CDR (credit: true)');
  if (bare) deviations.push(bare.deviation);
  const totalCost = bare ? { before_taxes: checkedAmount('total_cost', bare.amount, context), after_taxes: null, taxes: null } : cost('total_cost');
  const currency = upperCaseCurrency(dto.currency, deviations);
  const costs = {
    total_fixed_cost: cost('total_fixed_cost'),
    total_energy_cost: cost('total_energy_cost'),
    total_time_cost: cost('total_time_cost'),
    total_parking_cost: cost('total_parking_cost'),
    total_reservation_cost: cost('total_reservation_cost'),
  };
  if (problems.length > 0 || !totalCost) return { ok: false, reason: problems.join('; ') || 'total_cost: is required', identity: readIdentity(raw) };
  const token = dto.cdr_token;
  // notes added after rather than spread in: a literal with a spread is built property by property (issue 17).
  const value: CanonicalCdr = {
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
    cdr_location: mapCdrLocation221(dto.cdr_location, deviations),
    meter_id: dto.meter_id ?? null,
    currency,
    tariffs,
    charging_periods: dto.charging_periods.map(mapChargingPeriod),
    signed_data: dto.signed_data ?? null,
    total_cost: totalCost,
    total_fixed_cost: costs.total_fixed_cost,
    total_energy_cost: costs.total_energy_cost,
    total_time_cost: costs.total_time_cost,
    total_parking_cost: costs.total_parking_cost,
    total_reservation_cost: costs.total_reservation_cost,
    total_energy: toDecimalString(dto.total_energy)!,
    total_time: toDecimalString(dto.total_time)!,
    total_parking_time: dto.total_parking_time === undefined || dto.total_parking_time === null ? null : toDecimalString(dto.total_parking_time),
    remark: dto.remark ?? null,
    invoice_reference_id: dto.invoice_reference_id ?? null,
    credit: dto.credit ?? false,
    credit_reference_id: dto.credit_reference_id ?? null,
    home_charging_compensation: dto.home_charging_compensation ?? false,
    last_updated: toUtcIso(dto.last_updated),
  };
  if (notes.length > 0) value.notes = notes;
  return { ok: true, deviations, value };
}

/** An ISO 4217 code in upper case, as ISO writes them; one sent in another case is read so and is a deviation. */
export function upperCaseCurrency(currency: string, deviations: WireDeviation[]): string {
  const upper = currency.toUpperCase();
  if (upper !== currency) deviations.push({ kind: 'CURRENCY_NOT_UPPER_CASE', field: 'currency', example: currency });
  return upper;
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

/**
 * CdrLocation → snapshot. Tolerated: no `evse_uid` (seen in the field: an independent CPO implementation in wide use
 * sends only evse_id). It cannot be told from the CDR alone, so it is left as EVSE_UID_TO_DERIVE with the deviation
 * EVSE_UID_FROM_EVSE_ID, and the CDR store derives it from the Location we hold (CdrStore.insertMany), or refuses the
 * CDR naming why: nothing is guessed.
 */
function mapCdrLocation221(l: CdrLocationDto, deviations: WireDeviation[]): CdrLocationSnapshot {
  if (l.evse_uid === undefined) deviations.push({ kind: 'EVSE_UID_FROM_EVSE_ID', field: 'cdr_location.evse_uid', example: l.evse_id });
  return {
    id: l.id,
    name: l.name ?? null,
    address: l.address,
    city: l.city,
    postal_code: l.postal_code ?? null,
    state: l.state ?? null,
    country: l.country,
    coordinates: { latitude: toDecimalString(l.coordinates.latitude)!, longitude: toDecimalString(l.coordinates.longitude)! },
    evse_uid: l.evse_uid ?? EVSE_UID_TO_DERIVE,
    evse_id: l.evse_id,
    connector_id: l.connector_id,
    connector_standard: l.connector_standard,
    connector_format: l.connector_format,
    connector_power_type: l.connector_power_type,
    tariff_ids: [],
    time_zone: null,
  };
}
