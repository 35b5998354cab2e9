import { parseRetryAfter } from '../../../src/forward/retry-after';

const now = new Date('2026-11-23T10:00:00Z');

describe('parseRetryAfter', () => {
  test.each([
    ['0', 0],
    ['7', 7000],
    [' 120 ', 120_000],
  ])('parseRetryAfter(%j) reads delta-seconds as %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  test.each([
    ['IMF-fixdate', 'Mon, 23 Nov 2026 10:00:30 GMT', 30_000],
    ['RFC 850', 'Monday, 23-Nov-26 10:01:00 GMT', 60_000],
    ['asctime, one-digit day', 'Tue Dec  1 10:00:00 2026', 8 * 24 * 3600_000],
    ['asctime, two-digit day', 'Mon Nov 23 10:00:05 2026', 5000],
  ])('parseRetryAfter() reads an HTTP-date in %s format as the time until it', (_format, value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  test('parseRetryAfter() reads a two-digit RFC 850 year up to 50 years ahead as ahead, later ones as past', () => {
    expect(parseRetryAfter('Monday, 23-Nov-76 10:00:00 GMT', now)).toBe(Date.UTC(2076, 10, 23, 10) - now.getTime());
    expect(parseRetryAfter('Wednesday, 23-Nov-77 10:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
  });

  test('parseRetryAfter() gives 0, never a negative wait, for a date in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:59:59 GMT', now)).toBe(0);
  });

  test.each([
    ['absent', undefined],
    ['null', null],
    ['empty', ''],
    ['negative', '-5'],
    ['fractional', '1.5'],
    ['a unit', '10s'],
    ['words', 'soon'],
    ['an ISO date', '2026-11-23T10:00:30Z'],
    ['a date without GMT', 'Mon, 23 Nov 2026 10:00:30'],
    ['a non-GMT zone', 'Mon, 23 Nov 2026 10:00:30 +0100'],
    ['an impossible day', 'Mon, 31 Feb 2026 10:00:30 GMT'],
    ['an impossible hour', 'Mon, 23 Nov 2026 25:00:30 GMT'],
    ['an unknown month', 'Mon, 23 Foo 2026 10:00:30 GMT'],
    ['too many digits to be exact', '9'.repeat(20)],
  ])('parseRetryAfter() returns undefined for %s', (_name, value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
