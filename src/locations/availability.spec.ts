import { evseAvailability } from './availability';
import { evaluateOpeningHours } from './opening-hours';

/** Free now = EVSE status AVAILABLE (mod_locations 2.2.1 §8.4.22 Status) at a Location open now (§8.4.14 Hours). */
describe('mod_locations 2.2.1 §8.4.22 Status and §8.4.14 Hours: is an EVSE free now, and why not', () => {
  const shopHours = {
    twentyfourseven: false,
    regular_hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, period_begin: '07:00', period_end: '22:00' })),
  };
  // 2026-01-14 is a Wednesday; Amsterdam is UTC+1 in winter.
  const nightBeforeSeven = new Date('2026-01-14T04:30:00Z'); // 05:30 local
  const lateEvening = new Date('2026-01-14T22:30:00Z'); // 23:30 local

  it('AVAILABLE at an open Location is free', () => {
    const opening = evaluateOpeningHours({ twentyfourseven: true }, 'Europe/Amsterdam', nightBeforeSeven);
    expect(evseAvailability('AVAILABLE', opening, nightBeforeSeven)).toEqual({ free: true, not_free: null });
  });

  it('AVAILABLE at a closed Location: "closed until 07:00 local time" with the local instant', () => {
    const opening = evaluateOpeningHours(shopHours, 'Europe/Amsterdam', nightBeforeSeven);
    expect(evseAvailability('AVAILABLE', opening, nightBeforeSeven)).toEqual({
      free: false,
      not_free: { reason: 'LOCATION_CLOSED', message: 'closed until 07:00 local time', until: '2026-01-14T07:00:00+01:00' },
    });
  });

  it('names the weekday when the Location opens on a later local day', () => {
    const opening = evaluateOpeningHours(shopHours, 'Europe/Amsterdam', lateEvening);
    expect(evseAvailability('AVAILABLE', opening, lateEvening).not_free).toMatchObject({ message: 'closed until Thu 07:00 local time' });
  });

  it('the EVSE status comes first: CHARGING, OUTOFORDER and UNKNOWN say so even at a closed Location', () => {
    const closed = evaluateOpeningHours(shopHours, 'Europe/Amsterdam', nightBeforeSeven);
    expect(evseAvailability('CHARGING', closed, nightBeforeSeven).not_free).toEqual({ reason: 'CHARGING', message: 'in use (charging)', until: null });
    expect(evseAvailability('OUTOFORDER', closed, nightBeforeSeven).not_free?.reason).toBe('OUT_OF_ORDER');
    expect(evseAvailability('UNKNOWN', closed, nightBeforeSeven).not_free?.reason).toBe('UNKNOWN');
  });

  it('a status value outside the spec is reported as such, never as free', () => {
    const open = evaluateOpeningHours(null, 'Europe/Amsterdam', nightBeforeSeven);
    expect(evseAvailability('OFFLINE', open, nightBeforeSeven)).toMatchObject({ free: false, not_free: { reason: 'UNRECOGNISED_STATUS' } });
  });

  it('unreadable opening hours: not free, reason OPENING_TIMES_UNREADABLE', () => {
    const unreadable = { open: false as const, reason: 'UNREADABLE_OPENING_TIMES' as const, changesAt: null, detail: 'x' };
    expect(evseAvailability('AVAILABLE', unreadable, nightBeforeSeven).not_free?.reason).toBe('OPENING_TIMES_UNREADABLE');
  });
});
