/** How console pages write times and ages: UTC, to the second, so that pages and logs compare at a glance. */

/** `2026-12-06 14:03:12 UTC`, or an em dash for nothing. */
export function utc(at: Date | string | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How long ago `at` was, in the largest whole unit: `42 s`, `5 min`, `3 h`, `12 days`; an em dash for nothing. */
export function age(at: Date | string | null | undefined, now = new Date()): string {
  if (at === null || at === undefined) return '—';
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}
