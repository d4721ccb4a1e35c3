/** Generates Location opening times (mod_locations 2.2.1 §Hours, §RegularHours, §ExceptionalPeriod). */
import type { Hours, RegularHours } from './ocpi-types';
import type { Rng } from './prng';
import { formatOcpiDateTime } from './ocpi-datetime';

const DAY_MS = 86_400_000;

/** Mon–Fri 07:00–22:00, Sat–Sun 09:00–18:00 (local time, as §RegularHours specifies). */
const SHOP_HOURS: RegularHours[] = [1, 2, 3, 4, 5]
  .map((weekday) => ({ weekday, period_begin: '07:00', period_end: '22:00' }))
  .concat([6, 7].map((weekday) => ({ weekday, period_begin: '09:00', period_end: '18:00' })));

/**
 * Takes the PRNG, whether the site favours shop hours (destination charging), and the window
 * [baseMs, baseMs + spreadDays) to place closings in; returns Hours: mostly 24/7, otherwise
 * shop hours, and about one in ten with an exceptional closing (a 4-hour maintenance window,
 * in UTC as §ExceptionalPeriod requires).
 */
export function generateOpeningTimes(rng: Rng, shopLike: boolean, baseMs: number, spreadDays: number): Hours {
  const regular = rng.chance(shopLike ? 0.6 : 0.1);
  const hours: Hours = regular ? { twentyfourseven: false, regular_hours: SHOP_HOURS.map((h) => ({ ...h })) } : { twentyfourseven: true };
  if (rng.chance(0.1)) {
    const begin = baseMs + rng.int(0, Math.max(0, spreadDays - 1)) * DAY_MS + 2 * 3_600_000;
    hours.exceptional_closings = [{ period_begin: formatOcpiDateTime(begin), period_end: formatOcpiDateTime(begin + 4 * 3_600_000) }];
  }
  return hours;
}
