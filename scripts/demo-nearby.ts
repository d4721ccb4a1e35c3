/**
 * The demo's nearby example, said short: one line per Location the search answered (GET /api/v1/chargers/nearby or
 * GET /api/v1/locations), instead of the whole JSON (hundreds of lines for three results; the printed curl shows it).
 */

/** The parts of a SearchPage (src/locations/search/search-result.ts) the lines show. */
export interface NearbySummaryPage {
  data?: Array<{
    cpo: { country_code: string; party_id: string };
    location: { name: string | null; address: string; city: string; opening: { open: boolean } };
    distance_m: number;
    evse_count: number;
    free_evse_count: number;
    connectors: Array<{ standard: string; max_power_kw: number; evse_count: number; free_evse_count: number; price: { text: string } | null }>;
  }>;
}

/**
 * One line per result, nearest first, e.g.
 * "1. 420 m  NL*SIM Station Centraal, Stationsplein 1 Amsterdam: 2 of 4 EVSEs free; 2 × IEC_62196_T2 22 kW (1 free, €0.25/kWh)".
 * An answer without `data` (an error) gives no line.
 */
export function nearbySummaryLines(page: NearbySummaryPage): string[] {
  return (page.data ?? []).map((r, i) => {
    const where = `${r.location.name ?? '(no name)'}, ${r.location.address} ${r.location.city}`;
    const kinds = r.connectors.map((c) => `${c.evse_count} × ${c.standard} ${c.max_power_kw} kW (${c.free_evse_count} free${c.price ? `, ${c.price.text}` : ''})`).join('; ');
    const closed = r.location.opening.open ? '' : ' [closed now]';
    return `${i + 1}. ${r.distance_m} m  ${r.cpo.country_code}*${r.cpo.party_id} ${where}: ${r.free_evse_count} of ${r.evse_count} EVSEs free; ${kinds}${closed}`;
  });
}
