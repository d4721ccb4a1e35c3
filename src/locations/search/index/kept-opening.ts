/**
 * A Location's opening state as the search index keeps it: evaluated from its opening_times in its time zone, then
 * kept on the Location until it may change (evaluateOpeningHoursUntil), so most requests read it instead of
 * evaluating hours again. Locations always open from some instant on (location.always_open_from) share one state.
 */
import type { Opening } from '../../availability';
import { alwaysOpenState, evaluateOpeningHoursUntil } from '../../opening-hours';
import type { IndexedLocation, KeptOpening } from './indexed-location';

/** The states of a Location open at every instant: 24/7, or without opening_times (one object each, never evaluated). */
const ALWAYS_OPEN: Record<'TWENTYFOURSEVEN' | 'NO_OPENING_TIMES', KeptOpening> = {
  TWENTYFOURSEVEN: kept(alwaysOpenState({ twentyfourseven: true }), -Infinity, Infinity),
  NO_OPENING_TIMES: kept(alwaysOpenState(null), -Infinity, Infinity),
};

// Exported by name, not as `export const`: compiled to CommonJS, openingOf would read it as a property of `exports`.
export { ALWAYS_OPEN };

function kept(state: Opening, from: number, until: number): KeptOpening {
  return { state, json: JSON.stringify({ open: state.open, reason: state.reason, changes_at: state.changesAt }), from, until };
}

/** The Location's opening state at `at` (`atMs`: the same instant in epoch ms), evaluated again only once the kept one may have changed. */
export function openingOf(l: IndexedLocation, at: Date, atMs: number): KeptOpening {
  if (l.alwaysOpenFrom !== null && l.alwaysOpenFrom <= atMs) return ALWAYS_OPEN[l.openingTimes?.twentyfourseven === true ? 'TWENTYFOURSEVEN' : 'NO_OPENING_TIMES'];
  const previous = l.opening;
  if (previous && previous.from <= atMs && atMs < previous.until) return previous;
  let opening: KeptOpening;
  try {
    const { state, validUntil } = evaluateOpeningHoursUntil(l.openingTimes, l.timeZone, at);
    opening = kept(state, atMs, validUntil);
  } catch (error) {
    opening = kept({ open: false, reason: 'UNREADABLE_OPENING_TIMES', changesAt: null, detail: (error as Error).message }, -Infinity, Infinity);
  }
  l.opening = opening;
  return opening;
}
