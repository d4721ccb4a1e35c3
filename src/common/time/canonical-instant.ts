const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The instant `text` names, in ms since the epoch, when it is in the one shape the mappers store and most CPOs send:
 * "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.sssZ" with every field in range (a day that exists in its month,
 * hours 00–23, minutes and seconds 00–59): then the same number as Date.parse, read digit by digit without a Date.
 * NaN for any other text (the caller falls back to Date, which also rolls over 24:00 and 30 February as it always did).
 * Shared by the wire's DateTime reading and the tariff engine's clock, on the re-pricing's hot path: no allocation.
 */
export function canonicalInstantMs(text: string): number {
  const n = text.length;
  if ((n !== 24 && n !== 20) || text.charCodeAt(n - 1) !== 90 /* Z */) return NaN;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return NaN;
  }
  if (n === 24 && text.charCodeAt(19) !== 46) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  const milli = n === 24 ? digits(text, 20, 23) : 0;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) {
    return NaN;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)) return NaN;
  // Days from 1970-01-01 to the civil date (H. Hinnant's days_from_civil).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * DAY + hour * HOUR + minute * 60_000 + second * 1000 + milli;
}

/** The decimal number written by the digits of text[from, to), or -1 when one of them is not a digit. */
function digits(text: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
