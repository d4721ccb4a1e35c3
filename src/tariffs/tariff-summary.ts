/**
 * The compact price line of the list view, "from €0.28/kWh + €0.50 start", from a Tariff's price components
 * (mod_tariffs 2.2.1 §4.3.1 Tariff object, §4.4.3 PriceComponent class, §4.4.2 TariffDimensionType enum).
 * Not an estimate: the price-estimate endpoint prices a planned charge. Decimal strings throughout (decimal.js).
 *
 * Rules, and why:
 * - Each dimension shows the LOWEST price any TariffElement gives it ("from"), because restrictions (time of day,
 *   kWh, duration…) choose the element during the charge and the list view cannot know them in advance. `restricted`
 *   says whether any element has restrictions, i.e. whether the "from" is a real minimum rather than the price.
 * - Prices are shown including VAT (what a driver pays): price × (1 + vat / 100); a component without `vat` has no
 *   VAT applicable (mod_tariffs 2.2.1 §4.4.3: "not providing a VAT is different from 0% VAT"), so incl = excl.
 * - TIME and PARKING_TIME are priced per hour in the spec, ENERGY per kWh, FLAT per session ("start").
 * - min_price / max_price and step_size are left to the estimate.
 */
import Decimal from 'decimal.js';

/** What the summary needs of a Tariff (a subset of the canonical Tariff). */
export interface SummarisableTariff {
  id: string;
  currency: string;
  type: string | null;
  start_date_time: string | null;
  end_date_time: string | null;
  elements: Array<{
    restricted: boolean;
    price_components: Array<{ type: string; price: string; vat: string | null }>;
  }>;
}

/** A price as decimal strings in major units of the currency. */
export interface SummaryPrice {
  excl_vat: string;
  incl_vat: string;
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
  /** One line in the requested language (en, nl, de or fr; others get English words), prices incl. VAT. */
  text: string;
}

const WORDS: Record<string, { from: string; start: string; parking: string; free: string; hour: string }> = {
  en: { from: 'from', start: 'start', parking: 'parking', free: 'free', hour: 'h' },
  nl: { from: 'vanaf', start: 'starttarief', parking: 'parkeren', free: 'gratis', hour: 'uur' },
  de: { from: 'ab', start: 'Startgebühr', parking: 'Parken', free: 'kostenlos', hour: 'h' },
  fr: { from: 'à partir de', start: 'de frais de démarrage', parking: 'stationnement', free: 'gratuit', hour: 'h' },
};

/**
 * Summarises one Tariff.
 * @param lang BCP 47 tag for the words and number format of `text`
 */
export function summariseTariff(tariff: SummarisableTariff, lang: string): TariffSummary {
  const lowest = (type: string) => lowestPrice(tariff, type);
  const energy = lowest('ENERGY');
  const flat = lowest('FLAT');
  const time = lowest('TIME');
  const parking = lowest('PARKING_TIME');
  const free = [energy, flat, time, parking].every((p) => p === null || new Decimal(p.incl_vat).isZero());
  const restricted = tariff.elements.some((e) => e.restricted);
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
    text: summaryText({ energy, flat, time, parking, free, restricted, currency: tariff.currency }, lang),
  };
}

/**
 * The tariff a list view shows for a connector, among those it lists (Connector.tariff_ids, mod_locations 2.2.1
 * §8.3.3: at most one active per Tariff.type): the active one that applies to all sessions (type absent or
 * REGULAR), else the active AD_HOC_PAYMENT one, else the first active one; null when none is active at `at`.
 */
export function primaryTariff<T extends Pick<SummarisableTariff, 'type' | 'start_date_time' | 'end_date_time'>>(tariffs: T[], at: Date): T | null {
  const active = tariffs.filter((t) => isActive(t, at));
  return (
    active.find((t) => t.type === null || t.type === 'REGULAR') ?? active.find((t) => t.type === 'AD_HOC_PAYMENT') ?? active[0] ?? null
  );
}

/** Whether `at` lies in the Tariff's [start_date_time, end_date_time) (mod_tariffs 2.2.1 §4.3.1). */
export function isActive(t: Pick<SummarisableTariff, 'start_date_time' | 'end_date_time'>, at: Date): boolean {
  return (!t.start_date_time || new Date(t.start_date_time) <= at) && (!t.end_date_time || at < new Date(t.end_date_time));
}

function lowestPrice(tariff: SummarisableTariff, type: string): SummaryPrice | null {
  let best: { excl: Decimal; incl: Decimal } | null = null;
  for (const element of tariff.elements) {
    for (const pc of element.price_components) {
      if (pc.type !== type) continue;
      const excl = new Decimal(pc.price);
      const incl = pc.vat === null ? excl : excl.times(new Decimal(pc.vat).dividedBy(100).plus(1));
      if (!best || incl.lessThan(best.incl)) best = { excl, incl };
    }
  }
  return best && { excl_vat: best.excl.toFixed(), incl_vat: best.incl.toFixed() };
}

interface TextParts {
  energy: SummaryPrice | null;
  flat: SummaryPrice | null;
  time: SummaryPrice | null;
  parking: SummaryPrice | null;
  free: boolean;
  restricted: boolean;
  currency: string;
}

function summaryText(p: TextParts, lang: string): string {
  const language = lang.toLowerCase().split('-')[0];
  const words = WORDS[language] ?? WORDS.en;
  if (p.free) return words.free;
  const money = moneyFormatter(language in WORDS ? lang : 'en', p.currency);
  const nonZero = (price: SummaryPrice | null) => price !== null && !new Decimal(price.incl_vat).isZero();
  const units: string[] = [];
  if (nonZero(p.energy)) units.push(`${money(p.energy!.incl_vat, 3)}/kWh`);
  if (nonZero(p.time)) units.push(`${money(p.time!.incl_vat, 2)}/${words.hour}`);
  const parts = units.length > 0 ? [`${p.restricted ? `${words.from} ` : ''}${units.join(' + ')}`] : [];
  if (nonZero(p.flat)) parts.push(`${money(p.flat!.incl_vat, 2)} ${words.start}`);
  if (nonZero(p.parking)) parts.push(`${words.parking} ${money(p.parking!.incl_vat, 2)}/${words.hour}`);
  return parts.join(' + ');
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
