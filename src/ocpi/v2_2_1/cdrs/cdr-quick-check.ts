import { arrayMinSize, isArray, isBoolean, isDateString, isObject, isString, maxLength } from 'class-validator';
import { ciStringProblem, currencyProblem, quantityProblem, signedQuantityProblem } from '../../wire/field-rules';
import { isCanonicalUtcIso } from '../../wire/ocpi-datetime';
import { toDecimalString } from '../../wire/ocpi-number';
import { SIGNED_DIMENSIONS } from './cdr.dto';

/**
 * A hand-written "certainly valid" for an OCPI 2.2.1 CDR on the wire (issue 17): the rules of CdrDto (cdr.dto.ts and
 * PriceDto) written out as plain checks, calling the very functions the decorators call (class-validator's isString,
 * isDateString …, field-rules.ts), so that a CDR is read in a few microseconds. Re-pricing reads thousands a second;
 * the generic quick check (wire-fast-check.ts certainlyValid) walks the decorators' metadata and builds an argument
 * object per constraint, which was a tenth of the time per CDR.
 * @returns true only when validateWireObject(CdrDto, raw) would accept `raw` as it is (every nested object a plain
 *   object, no field that class-transformer would convert); false for anything else, and then the caller takes
 *   validateWireObject, which says what is wrong in the usual words. test/cdrs/cdr-quick-check.spec.ts holds it to
 *   certainlyValid over the spec's example and thousands of broken variants: a rule added to the DTO must be added here.
 */
export function certainlyValidCdr221(raw: unknown): boolean {
  if (!isPlain(raw)) return false;
  const c = raw;
  return (
    id(c.country_code, 2, 2) &&
    id(c.party_id, 1, 3) &&
    id(c.id, 1, 39) &&
    dateTime(c.start_date_time) &&
    dateTime(c.end_date_time) &&
    optional(c.session_id, (v) => id(v, 1, 36)) &&
    cdrToken(c.cdr_token) &&
    isString(c.auth_method) &&
    optional(c.authorization_reference, (v) => id(v, 1, 36)) &&
    cdrLocation(c.cdr_location) &&
    optional(c.meter_id, isString) &&
    currencyProblem(c.currency) === null &&
    optional(c.tariffs, isArray) &&
    isArray(c.charging_periods) &&
    arrayMinSize(c.charging_periods, 1) &&
    c.charging_periods.every(chargingPeriod) &&
    optional(c.signed_data, isObject) &&
    quantityProblem(c.total_energy) === null &&
    quantityProblem(c.total_time) === null &&
    optional(c.total_parking_time, (v) => quantityProblem(v) === null) &&
    optional(c.remark, (v) => isString(v) && maxLength(v, 255)) &&
    optional(c.invoice_reference_id, (v) => id(v, 1, 39)) &&
    optional(c.credit, isBoolean) &&
    optional(c.credit_reference_id, (v) => id(v, 1, 39)) &&
    optional(c.home_charging_compensation, isBoolean) &&
    dateTime(c.last_updated) &&
    price(c.total_cost) &&
    optional(c.total_fixed_cost, price) &&
    optional(c.total_energy_cost, price) &&
    optional(c.total_time_cost, price) &&
    optional(c.total_parking_cost, price) &&
    optional(c.total_reservation_cost, price)
  );
}

/** @IsOptional(): absent (undefined or null) passes; anything else must pass `check`. */
function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}

/** @IsDateString(): the usual canonical shape first (see isCanonicalUtcIso), else class-validator's own check. */
function dateTime(value: unknown): boolean {
  return isCanonicalUtcIso(value) || isDateString(value);
}

/** @IsOcpiId({ min, max }). */
function id(value: unknown, min: number, max: number): boolean {
  return ciStringProblem(value, { min, max }) === null;
}

/** @IsOcpiNumber(). */
function ocpiNumber(value: unknown): boolean {
  // A number is one exactly when finite (what toDecimalString answers for it, without writing it out).
  return typeof value === 'number' ? Number.isFinite(value) : toDecimalString(value) !== null;
}

/** PriceDto behind @IsWireObject @ValidateNested: a plain object with excl_vat and an optional incl_vat. */
function price(value: unknown): boolean {
  return isPlain(value) && ocpiNumber(value.excl_vat) && optional(value.incl_vat, ocpiNumber);
}

function cdrToken(value: unknown): boolean {
  return isPlain(value) && id(value.country_code, 2, 2) && id(value.party_id, 1, 3) && id(value.uid, 1, 36) && isString(value.type) && id(value.contract_id, 1, 36);
}

function cdrLocation(value: unknown): boolean {
  if (!isPlain(value)) return false;
  const l = value;
  return (
    id(l.id, 1, 36) &&
    optional(l.name, isString) &&
    isString(l.address) &&
    isString(l.city) &&
    optional(l.postal_code, isString) &&
    optional(l.state, isString) &&
    isString(l.country) &&
    isPlain(l.coordinates) &&
    ocpiNumber(l.coordinates.latitude) &&
    ocpiNumber(l.coordinates.longitude) &&
    optional(l.evse_uid, (v) => id(v, 1, 36)) &&
    id(l.evse_id, 1, 48) &&
    id(l.connector_id, 1, 36) &&
    isString(l.connector_standard) &&
    isString(l.connector_format) &&
    isString(l.connector_power_type)
  );
}

function chargingPeriod(value: unknown): boolean {
  if (!isPlain(value)) return false;
  return (
    dateTime(value.start_date_time) &&
    isArray(value.dimensions) &&
    arrayMinSize(value.dimensions, 1) &&
    value.dimensions.every(dimension) &&
    optional(value.tariff_id, (v) => id(v, 1, 36))
  );
}

function dimension(value: unknown): boolean {
  if (!isPlain(value) || !isString(value.type)) return false;
  return (SIGNED_DIMENSIONS.has(value.type) ? signedQuantityProblem(value.volume) : quantityProblem(value.volume)) === null;
}

/** What class-transformer copies as it is and class-validator checks field by field: a JSON object. */
function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
