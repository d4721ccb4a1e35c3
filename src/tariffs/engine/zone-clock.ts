/**
 * Local wall-clock time in an IANA time zone, daylight saving included, fast enough to evaluate tariff restrictions
 * thousands of times a second. luxon's IANAZone gives the UTC offset at an instant (~5 µs a call); here each zone
 * year is probed once (every 6 hours, then a binary search to the millisecond at each change) and cached, so an
 * offset is a short array lookup afterwards.
 *
 * "Local ms" below is the wall-clock time written as if it were UTC: Date.UTC(y, m, d, h, min) of the local reading.
 */
import { IANAZone } from 'luxon';
import { canonicalInstantMs } from '../../common/time/canonical-instant';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PROBE = 6 * HOUR;

interface YearTable {
  /** Offset (minutes) at the start of the year, then each change: at (UTC ms) → offset from then on. */
  first: number;
  changes: Array<{ at: number; offset: number }>;
}

export class ZoneClock {
  private static readonly clocks = new Map<string, ZoneClock | null>();
  private readonly years = new Map<number, YearTable>();

  private constructor(private readonly zone: IANAZone) {}

  /** The clock of `name`, or null when it is not an IANA time zone. Cached per name. */
  static of(name: string): ZoneClock | null {
    let clock = ZoneClock.clocks.get(name);
    if (clock === undefined) {
      clock = IANAZone.isValidZone(name) ? new ZoneClock(IANAZone.create(name)) : null;
      if (ZoneClock.clocks.size < 2000) ZoneClock.clocks.set(name, clock);
    }
    return clock;
  }

  get name(): string {
    return this.zone.name;
  }

  /** UTC offset in minutes at instant `ms` (UTC). */
  offsetMinutes(ms: number): number {
    // Most lookups fall in the same year as the previous one.
    const t = ms >= this.lastFrom && ms < this.lastTo ? this.lastTable! : this.tableAt(ms);
    let offset = t.first;
    for (const c of t.changes) {
      if (c.at > ms) break;
      offset = c.offset;
    }
    return offset;
  }

  /** The local wall-clock reading at instant `ms`, as local ms. */
  toLocal(ms: number): number {
    return ms + this.offsetMinutes(ms) * 60_000;
  }

  /** Instants in (fromMs, toMs] at which the UTC offset changes (daylight saving), ascending. */
  changesBetween(fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    for (let y = new Date(fromMs).getUTCFullYear(); y <= new Date(toMs).getUTCFullYear(); y++) {
      for (const c of this.table(y).changes) if (c.at > fromMs && c.at <= toMs) out.push(c.at);
    }
    return out;
  }

  /**
   * Every instant whose wall-clock reading is `local`: one normally, two in the repeated hour when clocks go back,
   * none in the hour skipped when they go forward. Ascending.
   */
  instantsOf(local: number): number[] {
    const out: number[] = [];
    for (const probe of [local - 14 * HOUR, local, local + 14 * HOUR]) {
      const candidate = local - this.offsetMinutes(probe) * 60_000;
      if (this.toLocal(candidate) === local && !out.includes(candidate)) out.push(candidate);
    }
    return out.sort((a, b) => a - b);
  }

  private lastFrom = 0;
  private lastTo = 0;
  private lastTable: YearTable | null = null;

  private tableAt(ms: number): YearTable {
    const year = new Date(ms).getUTCFullYear();
    this.lastTable = this.table(year);
    this.lastFrom = Date.UTC(year, 0, 1);
    this.lastTo = Date.UTC(year + 1, 0, 1);
    return this.lastTable;
  }

  private table(year: number): YearTable {
    let t = this.years.get(year);
    if (!t) {
      t = this.probeYear(year);
      this.years.set(year, t);
    }
    return t;
  }

  private probeYear(year: number): YearTable {
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const first = this.zone.offset(start);
    const changes: YearTable['changes'] = [];
    let previous = first;
    let previousAt = start;
    for (let t = Math.min(start + PROBE, end - 1); ; t = Math.min(t + PROBE, end - 1)) {
      const offset = this.zone.offset(t);
      if (offset !== previous) {
        changes.push({ at: this.findChange(previousAt, t, previous), offset });
        previous = offset;
      }
      previousAt = t;
      if (t >= end - 1) break;
    }
    return { first, changes };
  }

  /** The first ms in (lo, hi] whose offset differs from `before`. */
  private findChange(lo: number, hi: number, before: number): number {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.zone.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

/** The local date (local ms of its midnight) of a local reading. */
export function localMidnight(local: number): number {
  return Math.floor(local / DAY) * DAY;
}

/** 0000-01-01 and 10000-01-01 (UTC ms): the years toISOString writes with four digits. */
const YEAR_0 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * new Date(ms).toISOString(), the same text, by arithmetic (days to a civil date, H. Hinnant's algorithm): Date built
 * and formatted per breakdown instant was a tenth of pricing a CDR. Instants outside years 0000–9999 go to Date.
 */
export function isoOfMs(ms: number): string {
  const t = Math.trunc(ms);
  if (!(t >= YEAR_0 && t < YEAR_10000)) return new Date(ms).toISOString();
  const days = Math.floor(t / DAY);
  let rest = t - days * DAY;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const yyyy = year >= 1000 ? `${year}` : `${year}`.padStart(4, '0');
  const mmm = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${yyyy}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${mmm}Z`;
}

/**
 * Date.parse(text), the same number, read digit by digit when `text` is "YYYY-MM-DDTHH:MM:SS.sssZ" or
 * "YYYY-MM-DDTHH:MM:SSZ" with every field in range (the shape the mappers store); anything else goes to Date.parse.
 * A CDR's instants are read several times per pricing, and Date.parse was a tenth of building its timeline.
 */
export function parseIsoMs(text: string): number {
  if (typeof text !== 'string') return Date.parse(text);
  const ms = canonicalInstantMs(text);
  return Number.isNaN(ms) ? Date.parse(text) : ms;
}

/** The weekday (Date.getUTCDay(): 0 = Sunday) of a local date given as the local ms of its midnight (1970-01-01 was a Thursday). */
export function weekdayOf(midnight: number): number {
  return (((Math.floor(midnight / DAY) + 4) % 7) + 7) % 7;
}

/** ISO-8601 with the zone's offset, e.g. 2024-03-31T03:00:00+02:00, from an instant (milliseconds kept if any). */
export function formatLocal(clock: ZoneClock | null, ms: number): string {
  const offset = clock ? clock.offsetMinutes(ms) : 0;
  const iso = isoOfMs(ms + offset * 60_000);
  const local = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, -1);
  const abs = Math.abs(offset);
  const hh = Math.floor(abs / 60);
  const mm = abs % 60;
  return `${local}${offset < 0 ? '-' : '+'}${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}`;
}

export const MS_PER_DAY = DAY;
