/** The current tariff versions as the search index holds them (keyed by tariffKey), with their price lines. */
import type { CanonicalTariff } from '../../../tariffs/tariff.model';
import { activityBoundMs, isActiveBetween } from '../../../tariffs/tariff-activity';
import { summariseTariff } from '../../../tariffs/tariff-summary';
import { listPrice } from '../result-parts';

/** A current tariff version, with its list-view price line per language made once. */
export class IndexedTariff {
  readonly startMs: number | null;
  readonly endMs: number | null;
  private readonly prices = new Map<string, string>();

  constructor(
    readonly versionId: string,
    readonly tariff: CanonicalTariff,
  ) {
    this.startMs = activityBoundMs(tariff.start_date_time);
    this.endMs = activityBoundMs(tariff.end_date_time);
  }

  /** Whether this version is active at `atMs` (epoch ms): tariff-activity.ts on the bounds parsed once. */
  activeAt(atMs: number): boolean {
    return isActiveBetween(this.startMs, this.endMs, atMs);
  }

  /** The list-view price line in `lang`, as JSON. */
  priceJson(lang: string): string {
    let price = this.prices.get(lang);
    if (price === undefined) {
      price = JSON.stringify(listPrice(summariseTariff(this.tariff, lang)));
      if (this.prices.size < 20) this.prices.set(lang, price);
    }
    return price;
  }
}

/** The key of a tariff in the index (and of IndexedConnector.tariffKeys): its party and OCPI id. */
export function tariffKey(countryCode: string, partyId: string, ocpiId: string): string {
  return `${countryCode}|${partyId}|${ocpiId}`;
}
