/** The current tariff versions as the search index holds them (keyed by tariffKey), with their price lines. */
import type { VersionInForce } from '../../../tariffs/price-estimate.service';
import type { CanonicalTariff } from '../../../tariffs/tariff.model';
import { activityBoundMs, isActiveBetween } from '../../../tariffs/tariff-activity';
import { summariseTariff } from '../../../tariffs/tariff-summary';
import { listPrice } from '../result-parts';

/**
 * Where a version stands in the tariff history (tariff_version), as the price estimate needs it: its number, when it
 * took effect (valid_from as node-postgres reads it, to the millisecond, and rounded up to the next whole millisecond
 * for comparing with an instant exactly as the database does), and when we first held it (first_seen).
 */
export interface HistoryPlace {
  versionNo: number;
  validFrom: Date;
  validFromCeilMs: number;
  firstSeen: Date;
}

/** A current tariff version, with its list-view price line per language made once. */
export class IndexedTariff {
  readonly startMs: number | null;
  readonly endMs: number | null;
  private readonly prices = new Map<string, string>();
  private readonly validFromIso: string;

  constructor(
    readonly versionId: string,
    readonly tariff: CanonicalTariff,
    private readonly history: HistoryPlace,
  ) {
    this.startMs = activityBoundMs(tariff.start_date_time);
    this.endMs = activityBoundMs(tariff.end_date_time);
    this.validFromIso = history.validFrom.toISOString();
  }

  /**
   * This version as TariffReader.findValidAt answers for a charge starting at `atMs` (epoch ms) when it is the one in
   * force then; null when it took effect later (an older version, or none, was in force: only the database knows).
   * Being the latest version, it has the latest valid_from (TariffHistoryStore never moves valid_from back), so it is
   * the one in force at any instant from its valid_from on.
   */
  inForceAt(atMs: number): VersionInForce | null {
    if (this.history.validFromCeilMs > atMs) return null;
    return {
      tariff: this.tariff,
      version_no: this.history.versionNo,
      valid_from: this.validFromIso,
      basis: this.history.firstSeen.getTime() <= atMs ? 'held' : 'cpo_last_updated',
    };
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
