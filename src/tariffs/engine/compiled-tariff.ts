/**
 * A canonical Tariff read once into what the engine needs: decimals parsed, restriction values read (or the reason
 * they cannot be), and the thresholds at which a restriction can start or stop holding during a charge.
 */
import { CanonicalTariff, PriceLimit, pricesTheCharge, TARIFF_DIMENSION_TYPES, TariffRestrictions } from '../tariff.model';
import { NotExactReason } from './charge-cost.model';
import { Dec, minorUnits, toDec, toDecOrNull } from './money';

export interface CompiledComponent {
  index: number;
  type: string;
  price: Dec;
  vat: Dec | null;
  /** price and vat as toFixed() writes them, once per tariff version rather than once per breakdown line. */
  priceText: string;
  vatText: string | null;
  step: number;
}

/** Restriction values, read. Minutes of the local day; local ms of a date's midnight; seconds; kWh; A; kW. */
export interface CompiledRestrictions {
  startMinute: number | null;
  /** 1440 for "00:00" (the spec: "To stop at end of the day use: 00:00"). */
  endMinute: number | null;
  startDate: number | null;
  endDate: number | null;
  minKwh: Dec | null;
  maxKwh: Dec | null;
  minCurrent: Dec | null;
  maxCurrent: Dec | null;
  minPower: Dec | null;
  maxPower: Dec | null;
  minDuration: Dec | null;
  maxDuration: Dec | null;
  /** Days as Date.getUTCDay() numbers (0 = Sunday) of the local reading; null when not restricted. */
  days: Set<number> | null;
  reservation: 'RESERVATION' | 'RESERVATION_EXPIRES' | null;
  /** The restriction as sent, for explanations. */
  source: TariffRestrictions;
  /** Values that could not be read; the element then cannot be evaluated. */
  problems: string[];
  /** Which kinds of local restriction had an unreadable value (they can then not make the element fail). */
  unreadable: { time: boolean; date: boolean; days: boolean };
}

export interface CompiledElement {
  index: number;
  /** The first PriceComponent of each known type (the spec allows one per dimension per element). */
  components: Map<string, CompiledComponent>;
  restrictions: CompiledRestrictions | null;
  /** False for reservation elements: they price reservation periods only. */
  forSession: boolean;
}

export interface CompiledTariff {
  source: CanonicalTariff;
  minor: number;
  elements: CompiledElement[];
  minPrice: { before: Dec; after: Dec | null } | null;
  maxPrice: { before: Dec; after: Dec | null } | null;
  /** Minutes of the local day at which a time-of-day restriction starts or stops holding. */
  dayMinutes: number[];
  /** Whether any restriction depends on the local date or weekday (so local midnights matter). */
  usesDate: boolean;
  usesLocalTime: boolean;
  /** The elements that price the charge itself (not reservations), in order. */
  sessionElements: CompiledElement[];
  durationThresholds: Dec[];
  energyThresholds: Dec[];
  /** Reasons the tariff as a whole cannot be priced exactly (unknown price component types). */
  problems: NotExactReason[];
}

const DAY_NUMBERS: Record<string, number> = { SUNDAY: 0, MONDAY: 1, TUESDAY: 2, WEDNESDAY: 3, THURSDAY: 4, FRIDAY: 5, SATURDAY: 6 };

/**
 * Reads a canonical tariff for pricing.
 * @throws Error when a price, VAT or price bound is not a decimal (the mappers never let one through).
 */
export function compileTariff(tariff: CanonicalTariff): CompiledTariff {
  const problems: NotExactReason[] = [];
  const dayMinutes = new Set<number>();
  const durations: Dec[] = [];
  const energies: Dec[] = [];
  let usesDate = false;
  const elements = (tariff.elements ?? []).map((element, index): CompiledElement => {
    const components = new Map<string, CompiledComponent>();
    (element.price_components ?? []).forEach((pc, ci) => {
      if (!TARIFF_DIMENSION_TYPES.includes(pc.type as never)) {
        problems.push({ code: 'UNDEFINED_COMPONENT_TYPE', text: `element ${index} has a price component of type ${pc.type}, which OCPI does not define: it is not priced` });
        return;
      }
      if (components.has(pc.type)) return;
      const price = toDec(pc.price, `elements[${index}].price_components[${ci}].price`);
      const vat = toDecOrNull(pc.vat, `elements[${index}].price_components[${ci}].vat`);
      components.set(pc.type, {
        index: ci,
        type: pc.type,
        price,
        vat,
        priceText: price.toFixed(),
        vatText: vat?.toFixed() ?? null,
        step: Number.isFinite(pc.step_size) ? pc.step_size : 0,
      });
    });
    const restrictions = element.restrictions ? compileRestrictions(element.restrictions) : null;
    if (restrictions) {
      for (const m of [restrictions.startMinute, restrictions.endMinute]) if (m !== null) dayMinutes.add(m % 1440);
      if (restrictions.startDate !== null || restrictions.endDate !== null || restrictions.days !== null) usesDate = true;
      for (const d of [restrictions.minDuration, restrictions.maxDuration]) if (d) durations.push(d);
      for (const e of [restrictions.minKwh, restrictions.maxKwh]) if (e) energies.push(e);
    }
    return { index, components, restrictions, forSession: pricesTheCharge(element) };
  });
  if (usesDate) dayMinutes.add(0);
  return {
    source: tariff,
    minor: minorUnits(tariff.currency),
    elements,
    minPrice: compileLimit(tariff.min_price, 'min_price'),
    maxPrice: compileLimit(tariff.max_price, 'max_price'),
    dayMinutes: [...dayMinutes].sort((a, b) => a - b),
    usesDate,
    usesLocalTime: dayMinutes.size > 0,
    sessionElements: elements.filter((e) => e.forSession),
    durationThresholds: durations,
    energyThresholds: energies,
    problems,
  };
}

function compileLimit(limit: PriceLimit | null | undefined, name: string): CompiledTariff['minPrice'] {
  if (!limit) return null;
  return { before: toDec(limit.before_taxes, `${name}.before_taxes`), after: toDecOrNull(limit.after_taxes, `${name}.after_taxes`) };
}

function compileRestrictions(r: TariffRestrictions): CompiledRestrictions {
  const problems: string[] = [];
  const number = (value: unknown, name: string): Dec | null => {
    try {
      return toDecOrNull(value, name);
    } catch {
      problems.push(`${name} "${String(value)}" is not a number`);
      return null;
    }
  };
  const days = Array.isArray(r.day_of_week) && r.day_of_week.length > 0 ? new Set<number>() : null;
  for (const day of r.day_of_week ?? []) {
    const n = DAY_NUMBERS[String(day).toUpperCase()];
    if (n === undefined) problems.push(`day_of_week "${day}" is not a DayOfWeek`);
    else days!.add(n);
  }
  // Which kinds of local restriction had an unreadable value: count the problems each reading adds.
  const daysProblems = problems.length;
  const reservation = readReservation(r.reservation, problems);
  const beforeTime = problems.length;
  const startMinute = readTime(r.start_time, 'start_time', problems);
  const endMinute = readTime(r.end_time, 'end_time', problems);
  const beforeDate = problems.length;
  const startDate = readDate(r.start_date, 'start_date', problems);
  const endDate = readDate(r.end_date, 'end_date', problems);
  const afterDate = problems.length;
  return {
    startMinute,
    endMinute: endMinute === 0 ? 1440 : endMinute,
    startDate,
    endDate,
    minKwh: number(r.min_kwh, 'min_kwh'),
    maxKwh: number(r.max_kwh, 'max_kwh'),
    minCurrent: number(r.min_current, 'min_current'),
    maxCurrent: number(r.max_current, 'max_current'),
    minPower: number(r.min_power, 'min_power'),
    maxPower: number(r.max_power, 'max_power'),
    minDuration: number(r.min_duration, 'min_duration'),
    maxDuration: number(r.max_duration, 'max_duration'),
    days,
    reservation,
    source: r,
    problems,
    unreadable: { time: beforeDate > beforeTime, date: afterDate > beforeDate, days: daysProblems > 0 },
  };
}

/** "HH:MM" (the spec's regex; "H:MM" and "24:00" tolerated) to minutes of the day. */
function readTime(value: string | null | undefined, name: string, problems: string[]): number | null {
  if (value === null || value === undefined || value === '') return null;
  const m = /^(\d{1,2}):([0-5]\d)$/.exec(String(value).trim());
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!(minutes >= 0 && minutes <= 1440)) {
    problems.push(`${name} "${value}" is not a time of day (HH:MM)`);
    return null;
  }
  return minutes === 1440 ? 0 : minutes;
}

/** "YYYY-MM-DD" to the local ms of that date's midnight. */
function readDate(value: string | null | undefined, name: string, problems: string[]): number | null {
  if (value === null || value === undefined || value === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value).trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3])) {
    problems.push(`${name} "${value}" is not a date (YYYY-MM-DD)`);
    return null;
  }
  return ms;
}

function readReservation(value: unknown, problems: string[]): CompiledRestrictions['reservation'] {
  if (value === null || value === undefined || value === '') return null;
  if (value === 'RESERVATION' || value === 'RESERVATION_EXPIRES') return value;
  problems.push(`reservation ${JSON.stringify(value)} is not a ReservationRestrictionType`);
  return null;
}
