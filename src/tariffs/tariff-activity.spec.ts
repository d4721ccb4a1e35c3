import { activityBoundMs, isActiveBetween, isTariffActive } from './tariff-activity';

describe('mod_tariffs 2.2.1 §4.3.1 start_date_time / end_date_time: when a tariff is active', () => {
  const tariff = (start: string | null, end: string | null) => ({ start_date_time: start, end_date_time: end });
  const at = new Date('2026-06-01T12:00:00Z');

  it('without bounds: always', () => {
    expect(isTariffActive(tariff(null, null), at)).toBe(true);
  });

  it('from start_date_time inclusive until end_date_time exclusive', () => {
    expect(isTariffActive(tariff('2026-06-01T12:00:00Z', null), at)).toBe(true);
    expect(isTariffActive(tariff('2026-06-01T12:00:00.001Z', null), at)).toBe(false);
    expect(isTariffActive(tariff(null, '2026-06-01T12:00:00.001Z'), at)).toBe(true);
    expect(isTariffActive(tariff(null, '2026-06-01T12:00:00Z'), at)).toBe(false);
    expect(isTariffActive(tariff('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'), at)).toBe(true);
    expect(isTariffActive(tariff('2026-07-01T00:00:00Z', '2027-01-01T00:00:00Z'), at)).toBe(false);
  });

  it('an empty bound is an open side; an unreadable one makes the tariff never active', () => {
    expect(isTariffActive(tariff('', ''), at)).toBe(true);
    expect(isTariffActive(tariff('soon', null), at)).toBe(false);
    expect(isTariffActive(tariff(null, 'later'), at)).toBe(false);
  });

  it('in epoch milliseconds, as the search index asks: the same answers', () => {
    expect(activityBoundMs(null)).toBeNull();
    expect(activityBoundMs('2026-06-01T12:00:00Z')).toBe(at.getTime());
    expect(activityBoundMs('soon')).toBeNaN();
    const ms = at.getTime();
    expect(isActiveBetween(null, null, ms)).toBe(true);
    expect(isActiveBetween(ms, ms + 1, ms)).toBe(true);
    expect(isActiveBetween(ms - 1, ms, ms)).toBe(false);
    expect(isActiveBetween(NaN, null, ms)).toBe(false);
    expect(isActiveBetween(null, NaN, ms)).toBe(false);
  });
});
