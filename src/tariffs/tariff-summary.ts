/**
 * The compact price line of the list view, "from €0.28/kWh + €0.50 start", from a Tariff's price components
 * (mod_tariffs 2.2.1 §4.3.1 Tariff object, §4.4.3 PriceComponent class, §4.4.2 TariffDimensionType enum; 2.3.0
 * §TaxIncluded). Not an estimate: the price-estimate endpoint (the tariff engine) prices a planned charge.
 * Decimal strings throughout (decimal.js).
 *
 * Rules, and why:
 * - Only elements that price a charge count: one with a `reservation` restriction prices the reservation
 *   (§TariffRestrictions class), which the list view does not show, as the estimate charges it nothing for a charge
 *   (pricesTheCharge in tariff.model.ts, the engine's rule).
 * - Each dimension shows the LOWEST price any of those TariffElements gives it ("from"), because restrictions (time
 *   of day, kWh, duration…) choose the element during the charge and the list view cannot know them in advance.
 *   `restricted` says whether any of them has restrictions, i.e. whether the "from" is a real minimum rather than
 *   the price.
 * - Taxes as the engine reads them (src/tariffs/engine/taxes.ts): with `tax_included` NO the price is before VAT and
 *   after = price × (1 + vat / 100); with YES the price is after VAT and before = price / (1 + vat / 100) (6
 *   decimals); with N/A there are no taxes. An omitted `vat` means no VAT (2.2.1, `omitted_vat` NO_VAT: both sides
 *   equal) or an unknown one (2.1.1, 2.3.0: the other side is null).
 * - The line shows prices incl. VAT (what a driver pays); when that side is unknown it shows the price before VAT
 *   and says so ("excl. VAT").
 * - TIME and PARKING_TIME are priced per hour in the spec, ENERGY per kWh, FLAT per session ("start").
 * - min_price / max_price and step_size are left to the estimate.
 */
import Decimal from 'decimal.js';
import { isTariffActive } from './tariff-activity';
import { type CanonicalTariff, pricesTheCharge } from './tariff.model';

/** What the summary reads of a canonical Tariff. */
export type SummarisableTariff = Pick<CanonicalTariff, 'id' | 'currency' | 'type' | 'start_date_time' | 'end_date_time' | 'elements' | 'tax_included' | 'omitted_vat'>;

/** A price as decimal strings in major units of the currency; a side is null when the tariff does not tell it. */
export interface SummaryPrice {
  excl_vat: string | null;
  incl_vat: string | null;
}

export interface TariffSummary {
  tariff_id: string;
  currency: string;
  /** TariffType; null = applies to all sessions. */
  type: string | null;
  energy_per_kwh: SummaryPrice | null;
  start_fee: SummaryPrice | null;
  time_per_hour: SummaryPrice | null;
  parking_per_hour: SummaryPrice | null;
  /** Every price component is zero (or there is none). */
  free: boolean;
  /** Some element has restrictions: the prices are the lowest ones, hence "from". */
  restricted: boolean;
  /** Whether `text` shows prices incl. VAT (false: VAT unknown, the line shows prices before VAT and says so). */
  text_incl_vat: boolean;
  /** One line in the requested language (en, nl, de or fr; others get English words). */
  text: string;
}

const WORDS: Record<string, { from: string; start: string; parking: string; free: string; hour: string; exclVat: string }> = {
  en: { from: 'from', start: 'start', parking: 'parking', free: 'free', hour: 'h', exclVat: 'excl. VAT' },
  nl: { from: 'vanaf', start: 'starttarief', parking: 'parkeren', free: 'gratis', hour: 'uur', exclVat: 'excl. btw' },
  de: { from: 'ab', start: 'Startgebühr', parking: 'Parken', free: 'kostenlos', hour: 'h', exclVat: 'zzgl. MwSt.' },
  fr: { from: 'à partir de', start: 'de frais de démarrage', parking: 'stationnement', free: 'gratuit', hour: 'h', exclVat: 'HT' },
};

/**
 * Summarises one Tariff.
 * @param lang BCP 47 tag for the words and number format of `text`
 */
export function summariseTariff(tariff: SummarisableTariff, lang: string): TariffSummary {
  const forCharge = tariff.elements.filter(pricesTheCharge);
  const lowest = (type: string) => lowestPrice(forCharge, tariff, type);
  const energy = lowest('ENERGY');
  const flat = lowest('FLAT');
  const time = lowest('TIME');
  const parking = lowest('PARKING_TIME');
  const prices = [energy, flat, time, parking].filter((p): p is SummaryPrice => p !== null);
  const free = prices.every((p) => new Decimal((p.incl_vat ?? p.excl_vat)!).isZero());
  const restricted = forCharge.some((e) => hasRestrictions(e.restrictions));
  const inclVat = prices.every((p) => p.incl_vat !== null);
  return {
    tariff_id: tariff.id,
    currency: tariff.currency,
    type: tariff.type,
    energy_per_kwh: energy,
    start_fee: flat,
    time_per_hour: time,
    parking_per_hour: parking,
    free,
    restricted,
    text_incl_vat: inclVat,
    text: summaryText({ energy, flat, time, parking, free, restricted, inclVat, currency: tariff.currency }, lang),
  };
}

/**
 * The tariff a list view shows for a connector, among those it lists (Connector.tariff_ids, mod_locations 2.2.1
 * §8.3.3: at most one active per Tariff.type): the active one that applies to all sessions (type absent or
 * REGULAR), else the active AD_HOC_PAYMENT one, else the first active one; null when none is active at `at`.
 */
export function primaryTariff<T extends Pick<SummarisableTariff, 'type' | 'start_date_time' | 'end_date_time'>>(tariffs: T[], at: Date): T | null {
  const active = tariffs.filter((t) => isTariffActive(t, at));
  return active.find((t) => t.type === null || t.type === 'REGULAR') ?? active.find((t) => t.type === 'AD_HOC_PAYMENT') ?? active[0] ?? null;
}

/** A restriction object with at least one field set (an empty object or all-null fields restricts nothing). */
function hasRestrictions(r: unknown): boolean {
  return typeof r === 'object' && r !== null && Object.values(r).some((v) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
}

function lowestPrice(elements: SummarisableTariff['elements'], tariff: SummarisableTariff, type: string): SummaryPrice | null {
  let best: { sides: SummaryPrice; rank: Decimal } | null = null;
  for (const element of elements) {
    for (const pc of element.price_components ?? []) {
      if (pc.type !== type) continue;
      const sides = taxSides(new Decimal(pc.price), pc.vat === null || pc.vat === undefined ? null : new Decimal(pc.vat), tariff);
      const rank = new Decimal((sides.incl_vat ?? sides.excl_vat)!);
      if (!best || rank.lessThan(best.rank)) best = { sides, rank };
    }
  }
  return best?.sides ?? null;
}

/** Before and after VAT of one price, by the tariff's tax_included and omitted_vat (see the module comment). */
function taxSides(price: Decimal, vat: Decimal | null, t: SummarisableTariff): SummaryPrice {
  const mode = t.tax_included ?? 'NO';
  const exact = price.toFixed();
  if (mode === 'N/A') return { excl_vat: exact, incl_vat: exact };
  if (vat === null) {
    if ((t.omitted_vat ?? 'NO_VAT') === 'NO_VAT') return { excl_vat: exact, incl_vat: exact };
    return mode === 'YES' ? { excl_vat: null, incl_vat: exact } : { excl_vat: exact, incl_vat: null };
  }
  const factor = vat.dividedBy(100).plus(1);
  return mode === 'YES' ? { excl_vat: price.dividedBy(factor).toDecimalPlaces(6).toFixed(), incl_vat: exact } : { excl_vat: exact, incl_vat: price.times(factor).toFixed() };
}

interface TextParts {
  energy: SummaryPrice | null;
  flat: SummaryPrice | null;
  time: SummaryPrice | null;
  parking: SummaryPrice | null;
  free: boolean;
  restricted: boolean;
  inclVat: boolean;
  currency: string;
}

function summaryText(p: TextParts, lang: string): string {
  const language = lang.toLowerCase().split('-')[0];
  const words = WORDS[language] ?? WORDS.en;
  if (p.free) return words.free;
  const money = moneyFormatter(language in WORDS ? lang : 'en', p.currency);
  const shown = (price: SummaryPrice | null) => (price === null ? null : p.inclVat ? price.incl_vat : price.excl_vat);
  const nonZero = (price: SummaryPrice | null) => shown(price) !== null && !new Decimal(shown(price)!).isZero();
  const units: string[] = [];
  if (nonZero(p.energy)) units.push(`${money(shown(p.energy)!, 3)}/kWh`);
  if (nonZero(p.time)) units.push(`${money(shown(p.time)!, 2)}/${words.hour}`);
  const parts = units.length > 0 ? [`${p.restricted ? `${words.from} ` : ''}${units.join(' + ')}`] : [];
  if (nonZero(p.flat)) parts.push(`${money(shown(p.flat)!, 2)} ${words.start}`);
  if (nonZero(p.parking)) parts.push(`${words.parking} ${money(shown(p.parking)!, 2)}/${words.hour}`);
  return `${parts.join(' + ')}${p.inclVat ? '' : ` (${words.exclVat})`}`;
}

/** Intl currency format of a decimal string (formatted as a string, so exactly, rounded half-expand). */
function moneyFormatter(locale: string, currency: string): (amount: string, maxDigits: number) => string {
  return (amount, maxDigits) => {
    const format = numberFormat(locale, currency, maxDigits);
    // ES2023 Intl.NumberFormat accepts decimal strings and keeps them exact; the lib typings only know numbers.
    return format ? format.format(amount as unknown as number) : `${currency} ${amount}`;
  };
}

/** Building an Intl.NumberFormat costs tens of µs: one per (locale, currency, digits), kept. */
const formats = new Map<string, Intl.NumberFormat | null>();
function numberFormat(locale: string, currency: string, maxDigits: number): Intl.NumberFormat | null {
  const key = `${locale}|${currency}|${maxDigits}`;
  if (!formats.has(key)) {
    let format: Intl.NumberFormat | null;
    try {
      const plain = new Intl.NumberFormat(locale, { style: 'currency', currency });
      // Never show fewer decimals than the currency's minor unit (3 for KWD), at most `maxDigits` beyond that.
      const digits = Math.max(maxDigits, plain.resolvedOptions().minimumFractionDigits ?? 0);
      format = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: digits });
    } catch {
      format = null; // a currency code or locale Intl does not know
    }
    if (formats.size < 1000) formats.set(key, format);
    else return format;
  }
  return formats.get(key)!;
}
