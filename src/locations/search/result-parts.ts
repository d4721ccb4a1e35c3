/** Pieces of a search answer that the SQL path and the in-memory index build alike (so both answer the same). */
import { Opening } from '../availability';
import { alwaysOpenState, evaluateOpeningHours } from '../opening-hours';
import type { Hours } from '../opening-times.model';
import type { SummaryPrice, TariffSummary } from '../../tariffs/tariff-summary';
import type { ConnectorGroup, ListPrice, SearchEvse } from './search-result';

/** The list view's price line of a tariff summary (the incl. VAT side when the tariff tells its VAT). */
export function listPrice(s: TariffSummary | null): ListPrice | null {
  if (!s) return null;
  const side = (p: SummaryPrice | null) => (p === null ? null : s.text_incl_vat ? p.incl_vat : p.excl_vat);
  return {
    tariff_id: s.tariff_id,
    currency: s.currency,
    text: s.text,
    incl_vat: s.text_incl_vat,
    energy_per_kwh: side(s.energy_per_kwh),
    start_fee: side(s.start_fee),
    time_per_hour: side(s.time_per_hour),
    parking_per_hour: side(s.parking_per_hour),
  };
}

/** The Location's opening state now: without time-zone work when its hours make it open at every instant. */
export function openingNow(hours: Hours | null, timeZone: string, alwaysOpen: boolean, at: Date): Opening {
  if (alwaysOpen) return alwaysOpenState(hours);
  try {
    return evaluateOpeningHours(hours, timeZone, at);
  } catch (error) {
    return { open: false, reason: 'UNREADABLE_OPENING_TIMES', changesAt: null, detail: (error as Error).message };
  }
}

/**
 * The EVSEs grouped by the kind of connector they offer (standard, format, power type, max power) and its price
 * line, most powerful first; an EVSE with two kinds (CCS and CHAdeMO) counts in both groups.
 */
export function connectorGroups(evses: SearchEvse[]): ConnectorGroup[] {
  const groups = new Map<string, ConnectorGroup & { evses: Set<SearchEvse> }>();
  for (const evse of evses) {
    for (const c of evse.connectors) {
      const key = `${c.standard}|${c.format}|${c.power_type}|${c.max_power_kw}|${c.price?.tariff_id ?? ''}|${c.price?.currency ?? ''}`;
      let group = groups.get(key);
      if (!group) {
        group = {
          standard: c.standard,
          format: c.format,
          power_type: c.power_type,
          max_power_kw: c.max_power_kw,
          evse_count: 0,
          free_evse_count: 0,
          price: c.price,
          evses: new Set(),
        };
        groups.set(key, group);
      }
      if (group.evses.has(evse)) continue;
      group.evses.add(evse);
      group.evse_count += 1;
      if (evse.free) group.free_evse_count += 1;
    }
  }
  return [...groups.values()].sort((a, b) => b.max_power_kw - a.max_power_kw || a.standard.localeCompare(b.standard)).map(({ evses: _, ...group }) => group);
}

export function countBy<T extends string>(values: T[]): Partial<Record<T, number>> {
  const counts: Partial<Record<T, number>> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Whole seconds from `since` to `at`, never negative (a CPO clock ahead of ours). */
export function ageSeconds(since: string | Date, at: Date): number {
  return Math.max(0, Math.floor((at.getTime() - new Date(since).getTime()) / 1000));
}
