import { nextCursor } from '../../../src/reconcile/list-github-deliveries';
import { retryDelayMs, withApiRetries } from '../../../src/reconcile/with-api-retries';

const error = (status: number | undefined, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`status ${status}`), status === undefined ? {} : { status }, { response: { headers } });

describe('retryDelayMs(error, attempt, initial, max)', () => {
  test('429 waits Retry-After seconds', () => {
    expect(retryDelayMs(error(429, { 'retry-after': '7' }), 1, 500, 30_000)).toBe(7_000);
  });
  test('429 with an HTTP date waits until then', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(error(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), 1, 500, 30_000, now)).toBe(5_000);
  });
  test("GitHub's 403 with no requests left waits until x-ratelimit-reset", () => {
    const now = 1_000_000_000_000;
    const e = error(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 3) });
    expect(retryDelayMs(e, 1, 500, 30_000, now)).toBe(3_000);
  });
  test('5xx and network errors back off exponentially up to the cap; stripe statusCode counts too', () => {
    expect(retryDelayMs(error(502), 1, 500, 30_000)).toBe(500);
    expect(retryDelayMs(error(undefined), 3, 500, 30_000)).toBe(2_000);
    expect(retryDelayMs(Object.assign(new Error('x'), { statusCode: 500 }), 10, 500, 30_000)).toBe(30_000);
  });
  test('a refused key (401, 403) or a bad request is not retried', () => {
    expect(retryDelayMs(error(401), 1, 500, 30_000)).toBeUndefined();
    expect(retryDelayMs(error(403), 1, 500, 30_000)).toBeUndefined();
    expect(retryDelayMs(error(400), 1, 500, 30_000)).toBeUndefined();
  });
});

describe('withApiRetries(call)', () => {
  test('retries until the call succeeds, telling onRetry each time', async () => {
    const failures = [error(429, { 'retry-after': '0' }), error(503)];
    const retries: number[] = [];
    const result = await withApiRetries(
      async () => {
        const next = failures.shift();
        if (next) throw next;
        return 'ok';
      },
      { initialDelayMs: 1, onRetry: ({ attempt }) => retries.push(attempt) },
    );
    expect(result).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });
  test('gives up after the last attempt with the last error', async () => {
    await expect(withApiRetries(async () => Promise.reject(error(500)), { attempts: 2, initialDelayMs: 1 })).rejects.toThrow('status 500');
  });
});

describe('nextCursor(link)', () => {
  test('reads the cursor of rel="next"', () => {
    const link = '<https://api.github.com/repos/o/r/hooks/1/deliveries?per_page=2&cursor=v1_42>; rel="next", <https://x/?cursor=0>; rel="prev"';
    expect(nextCursor(link)).toBe('v1_42');
    expect(nextCursor(undefined)).toBeUndefined();
    expect(nextCursor('<https://x/?cursor=1>; rel="prev"')).toBeUndefined();
  });
});
