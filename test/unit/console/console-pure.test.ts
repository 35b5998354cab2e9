import { checkCsrf } from '../../../src/console/check-csrf';
import { createConsoleSessions } from '../../../src/console/console-sessions';
import { latencyQuantile, type LatencyHistogram } from '../../../src/console/delivery-counts';
import { rateSeries } from '../../../src/console/overview-stats';
import { REDACTED, redactHeaders } from '../../../src/console/redact-headers';
import { readSessionCookie, sessionCookie } from '../../../src/console/session-cookie';
import { isConsolePage } from '../../../src/console/console-page';
import { createSignInThrottle } from '../../../src/console/sign-in-throttle';
import { eventMetadata } from '../../../src/temporal/event-metadata';

describe('console sessions', () => {
  test('a new session has a random 256-bit ID and CSRF token, is found by its ID, and ends on delete or expiry', () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const sessions = createConsoleSessions({ now: () => now, ttlMs: 60_000 });
    const a = sessions.create();
    const b = sessions.create();
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(a.id);
    expect(sessions.get(a.id)).toEqual({ csrfToken: a.csrfToken, expiresAt: new Date('2026-12-01T10:01:00Z') });
    expect(sessions.get(`${a.id}x`)).toBeUndefined();
    sessions.delete(a.id);
    expect(sessions.get(a.id)).toBeUndefined();
    now = new Date('2026-12-01T10:01:00Z');
    expect(sessions.get(b.id)).toBeUndefined();
  });
});

describe('session cookie', () => {
  test('HttpOnly, SameSite=Strict, path /console; Secure only over HTTPS; read back from a Cookie header', () => {
    expect(sessionCookie('abcdefghijklmnopqrstuvwxyz', { maxAgeSeconds: 60.7, secure: false })).toBe(
      'hookflow_console=abcdefghijklmnopqrstuvwxyz; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict',
    );
    expect(sessionCookie('x', { maxAgeSeconds: 0, secure: true })).toMatch(/Max-Age=0; HttpOnly; SameSite=Strict; Secure$/);
    expect(readSessionCookie('a=1; hookflow_console=abcdefghijklmnopqrstuvwxyz; b=2')).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(readSessionCookie('hookflow_console=short')).toBeUndefined();
    expect(readSessionCookie('hookflow_console=has spaces and;more')).toBeUndefined();
    expect(readSessionCookie(undefined)).toBeUndefined();
  });
});

describe('checkCsrf', () => {
  const ok = { origin: 'http://127.0.0.1:3001', ownOrigin: 'http://127.0.0.1:3001', csrfHeader: 'tok', csrfToken: 'tok' };
  test('passes our origin with the session token; refuses a missing or foreign Origin and a missing or wrong token with 403', () => {
    expect(() => checkCsrf(ok)).not.toThrow();
    for (const bad of [{ origin: undefined }, { origin: 'http://evil.example' }, { origin: 'http://127.0.0.1:3002' }, { csrfHeader: undefined }, { csrfHeader: '' }, { csrfHeader: 'tok2' }, { csrfHeader: 'to' }]) {
      expect(() => checkCsrf({ ...ok, ...bad })).toThrow(expect.objectContaining({ status: 403 }));
    }
  });
});

describe('latencyQuantile', () => {
  const histogram = (counts: number[]): LatencyHistogram => ({ bounds: [0.01, 0.1, 1, Infinity], counts, total: counts.at(-1)! });
  test('interpolates within the bucket, like histogram_quantile', () => {
    // 100 deliveries: 50 under 10 ms, 40 more under 100 ms, 10 more under 1 s.
    const h = histogram([50, 90, 100, 100]);
    expect(latencyQuantile(0.5, h)).toBeCloseTo(0.01);
    expect(latencyQuantile(0.7, h)).toBeCloseTo(0.01 + 0.09 * (20 / 40));
    expect(latencyQuantile(0.99, h)).toBeCloseTo(0.1 + 0.9 * (9 / 10));
  });
  test('between two snapshots only the deliveries in between count; none is null; past the last bound is its lower bound', () => {
    const before = histogram([50, 90, 100, 100]);
    const after = histogram([50, 90, 110, 110]);
    expect(latencyQuantile(0.5, after, before)).toBeCloseTo(0.1 + 0.9 * 0.5);
    expect(latencyQuantile(0.5, before, before)).toBeNull();
    expect(latencyQuantile(0.99, histogram([0, 0, 0, 5]))).toBe(1);
  });
});

describe('rateSeries', () => {
  test('buckets events by minute and outcome, as events per minute, ending at the current minute', () => {
    const now = new Date('2026-12-01T10:30:20Z');
    const at = (iso: string) => new Date(iso).getTime();
    const series = rateSeries(
      [
        { at: at('2026-12-01T10:30:05Z'), outcome: 'succeeded' },
        { at: at('2026-12-01T10:30:10Z'), outcome: 'failed' },
        { at: at('2026-12-01T10:29:59Z'), outcome: 'succeeded' },
        { at: at('2026-12-01T09:00:00Z'), outcome: 'succeeded' }, // before the hour: left out
      ],
      now,
      1,
      60,
    );
    expect(series.starts).toHaveLength(60);
    expect(series.starts.at(-1)).toBe('2026-12-01T10:30:00.000Z');
    expect(series.perMinute.succeeded.slice(-2)).toEqual([1, 1]);
    expect(series.perMinute.failed.at(-1)).toBe(1);
    expect(series.totals).toEqual({ succeeded: 2, failed: 1, 'in progress': 0, other: 0 });
    const day = rateSeries([{ at: at('2026-12-01T10:20:00Z'), outcome: 'other' }, { at: at('2026-12-01T10:25:00Z'), outcome: 'other' }, { at: at('2026-12-01T10:29:00Z'), outcome: 'other' }], now, 15, 96);
    expect(day.perMinute.other.at(-1)).toBeCloseTo(3 / 15);
  });
});

describe('redactHeaders and isConsolePage', () => {
  test('credential-looking headers are hidden, others kept', () => {
    expect(redactHeaders({ 'content-type': 'application/json', authorization: 'Bearer x', 'x-my-signature': 'abc', 'x-api-key': 'k', 'user-agent': 'Stripe/1.0' })).toEqual({
      'content-type': 'application/json',
      authorization: REDACTED,
      'x-my-signature': REDACTED,
      'x-api-key': REDACTED,
      'user-agent': 'Stripe/1.0',
    });
  });
  test('the app’s pages are pages; assets, API paths and other names are not', () => {
    for (const p of ['/console', '/console/', '/console/events', '/console/events/demo%3Aevt_1', '/console/sources', '/console/destinations', '/console/sign-in']) expect([p, isConsolePage(p)]).toEqual([p, true]);
    for (const p of ['/console/api/sources', '/console/events/a/b', '/console/admin', '/consoles']) expect([p, isConsolePage(p)]).toEqual([p, false]);
  });
});

describe('eventMetadata', () => {
  const event = {
    workflowId: 'stripe:evt_1',
    source: 'stripe',
    provider: 'stripe',
    eventId: 'evt_1',
    type: 'invoice.paid',
    receivedAt: '2026-12-01T10:00:00.000Z',
    contentType: 'application/json',
    headers: {},
    body: { kind: 'inline' as const, payload: {}, rawBase64: '' },
    secretIndex: 0,
  };
  test('summary is "<source> <type> <eventId>" on one line, cut to 200 characters', () => {
    expect(eventMetadata(event).staticSummary).toBe('stripe invoice.paid evt_1');
    expect(eventMetadata({ ...event, type: 'a\nb' }).staticSummary).toBe('stripe a b evt_1');
    const long = eventMetadata({ ...event, eventId: 'x'.repeat(500) }).staticSummary;
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });
  test('details name the provider, the times and, for a replay, its original', () => {
    const details = eventMetadata({ ...event, replayOf: 'stripe:evt_0', replayedAt: '2026-12-02T00:00:00.000Z' }).staticDetails;
    expect(details.split('\n\n')).toEqual([
      '**source** stripe (stripe)',
      '**type** invoice.paid',
      '**event ID** evt_1',
      '**received** 2026-12-01T10:00:00.000Z',
      '**replay of** stripe:evt_0 (made 2026-12-02T00:00:00.000Z)',
    ]);
  });
});

describe('sign-in throttle', () => {
  test('ten attempts per address at once, then one every six seconds; other addresses unaffected', () => {
    let now = 0;
    const throttle = createSignInThrottle(() => now);
    for (let i = 0; i < 10; i++) expect(throttle.take('10.0.0.1')).toEqual({ allowed: true });
    expect(throttle.take('10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(throttle.take('10.0.0.2')).toEqual({ allowed: true });
    now = 6_000;
    expect(throttle.take('10.0.0.1')).toEqual({ allowed: true });
    expect(throttle.take('10.0.0.1').allowed).toBe(false);
  });
});
