/**
 * `Retry-After` is either delta-seconds or an HTTP-date, and recipients must accept all three
 * HTTP-date formats (RFC 9110 §10.2.3, §5.6.7). We parse them strictly rather than with
 * `Date.parse`, which reads many non-dates as dates and the asctime form as local time.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = String.raw`(\d{2}):(\d{2}):(\d{2})`;
const MONTH = '([a-z]{3})';
// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(String.raw`^[a-z]{3}, (\d{2}) ${MONTH} (\d{4}) ${TIME} GMT$`, 'i');
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC_850 = new RegExp(String.raw`^[a-z]{6,9}, (\d{2})-${MONTH}-(\d{2}) ${TIME} GMT$`, 'i');
// Sun Nov  6 08:49:37 1994 (always UTC, though it says nothing)
const ASCTIME = new RegExp(String.raw`^[a-z]{3} ${MONTH} ([ \d]\d) ${TIME} (\d{4})$`, 'i');

/** Milliseconds to wait, never negative; undefined when the header is absent or not understood. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    // Beyond 2^53 the number is no longer exact; no server means a wait that long.
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  const date = parseHttpDate(text, now);
  return date === undefined ? undefined : Math.max(0, date.getTime() - now.getTime());
}

function parseHttpDate(text: string, now: Date): Date | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(Number(m[3]), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  m = ASCTIME.exec(text);
  if (m) return utc(Number(m[6]), m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!);
  m = RFC_850.exec(text);
  if (m) return utc(fullYear(Number(m[3]), now), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  return undefined;
}

/**
 * RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is the most recent past
 * year with the same last two digits.
 */
function fullYear(twoDigits: number, now: Date): number {
  const thisYear = now.getUTCFullYear();
  const year = Math.floor(thisYear / 100) * 100 + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

/** The date, or undefined when a field is out of range (31 Feb would otherwise roll into March). */
function utc(year: number, monthName: string, day: string, hours: string, minutes: string, seconds: string) {
  const month = MONTHS.indexOf(monthName.toLowerCase());
  if (month < 0) return undefined;
  const date = new Date(Date.UTC(year, month, Number(day), Number(hours), Number(minutes), Number(seconds)));
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month &&
    date.getUTCDate() === Number(day) &&
    date.getUTCHours() === Number(hours) &&
    date.getUTCMinutes() === Number(minutes) &&
    date.getUTCSeconds() === Number(seconds);
  return exact ? date : undefined;
}
