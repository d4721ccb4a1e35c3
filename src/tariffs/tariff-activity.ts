/**
 * When a Tariff applies (mod_tariffs 2.2.1 §4.3.1 Tariff object): from start_date_time (inclusive) until
 * end_date_time (exclusive); an absent bound leaves that side open. The one definition of "a tariff is active",
 * used by the list-view price line (tariff-summary.ts), the price estimate and the in-memory search index (which
 * parses the bounds once per tariff version and asks with epoch milliseconds).
 *
 * A bound that is not a readable date makes the tariff never active: we cannot tell when it applies, so we do not
 * show or pick it as the price. (Stored tariffs carry ISO-8601 UTC bounds; this guards the rule, not the data.)
 */
import type { CanonicalTariff } from './tariff.model';

/** The bounds the rule reads. */
export type TariffActivityBounds = Pick<CanonicalTariff, 'start_date_time' | 'end_date_time'>;

/**
 * A start_date_time / end_date_time (ISO-8601) as epoch milliseconds for isActiveBetween: null when absent (an
 * open side), NaN when unreadable (never active).
 */
export function activityBoundMs(dateTime: string | null | undefined): number | null {
  return dateTime ? new Date(dateTime).getTime() : null;
}

/**
 * Whether `atMs` lies in [startMs, endMs), all epoch milliseconds; null is an open side (see activityBoundMs).
 * A NaN bound or instant compares false both ways, so it is never active.
 */
export function isActiveBetween(startMs: number | null, endMs: number | null, atMs: number): boolean {
  return (startMs === null || startMs <= atMs) && (endMs === null || atMs < endMs);
}

/** Whether the Tariff is active at `at` (see the module comment). */
export function isTariffActive(t: TariffActivityBounds, at: Date): boolean {
  return isActiveBetween(activityBoundMs(t.start_date_time), activityBoundMs(t.end_date_time), at.getTime());
}
