import { createHmac } from 'node:crypto';
import { Paddle } from '@paddle/paddle-node-sdk';
import fc from 'fast-check';
import { SignatureError } from '../../../src/errors/http-errors';
import { paddleOptions, paddleProvider } from '../../../src/providers/paddle';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const secret = 'pdl_ntfset_01jc4h5y0r4q1pk0j8dny8jvsy_6d9hh4Zx3gP8LkfRaLrD3fZkqA6vNqfB';
const body = Buffer.from(
  '{"event_id":"evt_01jd7xgsb6tqf0ez8ybg6ebbsh","event_type":"transaction.completed",' +
    '"occurred_at":"2026-11-23T09:59:58.123456Z","notification_id":"ntf_01jd7xgsf6z0q3pw9tnt6gwe4z","data":{}}',
);

function settings(secrets = [secret], toleranceSeconds = 300) {
  return { secrets, toleranceSeconds, options: paddleOptions.parse({}) };
}

function request(signature: string | undefined, raw: Buffer = body): WebhookRequest {
  const headers: Record<string, string> = signature === undefined ? {} : { 'paddle-signature': signature };
  return { rawBody: raw, headers, url: 'http://localhost/webhooks/paddle', contentType: 'application/json' };
}

const h1 = (key: string, ts: number | string = nowSeconds, raw: Buffer = body) =>
  createHmac('sha256', key).update(`${ts}:${raw}`).digest('hex');
const header = (ts: number, key = secret) => `ts=${ts};h1=${h1(key, ts)}`;

describe('paddle provider', () => {
  test('verify() accepts the paddle-node-sdk test vector', () => {
    const vectorNow = new Date(1698796800 * 1000);
    const req = request(
      'ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9',
      Buffer.from('{"data": ["1", "2"]}'),
    );
    expect(paddleProvider.verify(req, settings(['VALID_SECRET']), vectorNow)).toEqual({
      secretIndex: 0,
      signedAt: vectorNow,
    });
  });

  describe('sign() output checked by @paddle/paddle-node-sdk', () => {
    // The SDK reads the clock itself (and allows only 5 s), so pin it to our `now`.
    beforeEach(() => jest.useFakeTimers({ now }));
    afterEach(() => jest.useRealTimers());

    test('webhooks.isSignatureValid accepts it', async () => {
      const signed = paddleProvider.sign(
        { body, contentType: 'application/json', url: 'http://h/webhooks/paddle', secret, now },
        paddleOptions.parse({}),
      );
      expect(Object.keys(signed.headers).sort()).toEqual(['content-type', 'paddle-signature']);
      const paddle = new Paddle('pdl_sdbx_apikey_x');
      const signature = signed.headers['paddle-signature'] as string;
      await expect(paddle.webhooks.isSignatureValid(signed.body.toString(), secret, signature)).resolves.toBe(true);
      await expect(paddle.webhooks.isSignatureValid(signed.body.toString(), 'wrong', signature)).resolves.toBe(false);
      const stale = `ts=${nowSeconds - 6};h1=${h1(secret, nowSeconds - 6)}`;
      await expect(paddle.webhooks.isSignatureValid(body.toString(), secret, stale)).resolves.toBe(false);
      expect(paddleProvider.verify(request(signature, signed.body), settings(), now).secretIndex).toBe(0);
    });
  });

  test('verify() reports the index of the rotated secret that matched', () => {
    const req = request(header(nowSeconds, 'new'));
    expect(paddleProvider.verify(req, settings(['old', 'new']), now).secretIndex).toBe(1);
  });

  test('verify() accepts any one valid h1 among several (secret rotation)', () => {
    const several = `ts=${nowSeconds};h1=${h1('other')};h1=${h1(secret)}`;
    expect(paddleProvider.verify(request(several), settings(), now).secretIndex).toBe(0);
    const spaced = `ts=${nowSeconds}; h1=${h1(secret)}, h1=${h1('other')}`;
    expect(paddleProvider.verify(request(spaced), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects a tampered body and a wrong secret with no_matching_signature', () => {
    const tampered = request(header(nowSeconds), Buffer.from(`${body} `));
    expect(reason(() => paddleProvider.verify(tampered, settings(), now))).toBe('no_matching_signature');
    const wrong = request(header(nowSeconds, 'wrong'));
    expect(reason(() => paddleProvider.verify(wrong, settings(), now))).toBe('no_matching_signature');
  });

  test('verify() accepts timestamps exactly at the tolerance, both directions', () => {
    expect(paddleProvider.verify(request(header(nowSeconds - 300)), settings(), now).secretIndex).toBe(0);
    expect(paddleProvider.verify(request(header(nowSeconds + 300)), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects timestamps one second past the tolerance, both directions', () => {
    expect(reason(() => paddleProvider.verify(request(header(nowSeconds - 301)), settings(), now))).toBe(
      'timestamp_too_old',
    );
    expect(reason(() => paddleProvider.verify(request(header(nowSeconds + 301)), settings(), now))).toBe(
      'timestamp_in_future',
    );
  });

  test("verify() honours a source's narrower tolerance, such as the SDK's 5 s", () => {
    expect(paddleProvider.verify(request(header(nowSeconds - 5)), settings([secret], 5), now).secretIndex).toBe(0);
    expect(reason(() => paddleProvider.verify(request(header(nowSeconds - 6)), settings([secret], 5), now))).toBe(
      'timestamp_too_old',
    );
  });

  const digest = 'a'.repeat(64);
  test.each([
    ['no header', undefined, 'missing_signature'],
    ['an empty header', '', 'missing_signature'],
    ['garbage', 'garbage', 'malformed_signature'],
    ['a timestamp only', `ts=${nowSeconds}`, 'malformed_signature'],
    ['a non-hex h1', `ts=${nowSeconds};h1=xyz`, 'malformed_signature'],
    ['a short h1', `ts=${nowSeconds};h1=abcd`, 'malformed_signature'],
    ['Stripe syntax', `t=${nowSeconds},v1=${digest}`, 'malformed_signature'],
    ['no timestamp', `h1=${digest}`, 'missing_timestamp'],
    ['a non-numeric timestamp', `ts=-1;h1=${digest}`, 'malformed_timestamp'],
    ['two different timestamps', `ts=${nowSeconds};ts=${nowSeconds - 1};h1=${digest}`, 'malformed_timestamp'],
  ])('verify() rejects %s', (_name, signature, expected) => {
    expect(reason(() => paddleProvider.verify(request(signature), settings(), now))).toBe(expected);
  });

  test('identify() reads event_id, event_type and occurred_at (ISO) from the body', () => {
    expect(paddleProvider.identify(request(undefined), JSON.parse(body.toString()), settings())).toEqual({
      id: 'evt_01jd7xgsb6tqf0ez8ybg6ebbsh',
      type: 'transaction.completed',
      occurredAt: new Date('2026-11-23T09:59:58.123Z'),
    });
  });

  test('identify() throws a 400 when the body has no event_id', () => {
    expect(() => paddleProvider.identify(request(undefined), { event_type: 'x' }, settings())).toThrow(
      expect.objectContaining({ status: 400, message: 'missing event ID field event_id in the body' }),
    );
  });

  test('sample() is a transaction.completed event by default and honours eventType', () => {
    const sample = JSON.parse(paddleProvider.sample(undefined, now).body.toString());
    expect(sample).toMatchObject({ event_type: 'transaction.completed', occurred_at: now.toISOString() });
    expect(sample.event_id).toMatch(/^evt_01[0-9a-hjkmnp-tv-z]{24}$/);
    expect(sample.data.id).toMatch(/^txn_/);
    const sub = JSON.parse(paddleProvider.sample('subscription.canceled', now).body.toString());
    expect(paddleProvider.identify(request(undefined), sub, settings())).toMatchObject({
      type: 'subscription.canceled',
      occurredAt: now,
    });
    expect(sub.data).toMatchObject({ status: 'canceled', id: expect.stringMatching(/^sub_/) });
  });

  test('secretHeaders() lists paddle-signature; options are strict; the default tolerance is 300 s', () => {
    expect(paddleProvider.secretHeaders(paddleOptions.parse({}))).toEqual(['paddle-signature']);
    expect(paddleOptions.safeParse({ toleranceSeconds: 5 }).success).toBe(false);
    expect(paddleProvider.defaultToleranceSeconds).toBe(300);
  });

  describe('property: header parsing', () => {
    const item = fc.oneof(
      fc.string(),
      fc
        .tuple(
          fc.constantFrom('ts', 'h1', 'h2', ''),
          fc.oneof(
            fc.stringMatching(/^[0-9a-f]{0,70}$/),
            fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }).map(String),
            fc.string(),
          ),
        )
        .map(([k, v]) => `${k}=${v}`),
    );
    const headerValue = fc.oneof(fc.string(), fc.array(item, { maxLength: 6 }).map((items) => items.join(';')));

    test('verify() only ever throws SignatureError and never accepts a header made without the secret', () => {
      fc.assert(
        fc.property(headerValue, fc.uint8Array({ maxLength: 64 }), (h, raw) => {
          expect(() => paddleProvider.verify(request(h, Buffer.from(raw)), settings(), now)).toThrow(SignatureError);
        }),
        { numRuns: 500 },
      );
    });

    test('verify() accepts any body signed by sign() and refuses it under another secret', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), fc.string({ minLength: 1 }), (raw, other) => {
          fc.pre(other !== secret);
          const out = paddleProvider.sign(
            { body: Buffer.from(raw), contentType: 'application/json', url: 'http://h/', secret, now },
            paddleOptions.parse({}),
          );
          const req = request(out.headers['paddle-signature'], out.body);
          expect(paddleProvider.verify(req, settings(), now).secretIndex).toBe(0);
          expect(reason(() => paddleProvider.verify(req, settings([other]), now))).toBe('no_matching_signature');
        }),
        { numRuns: 200 },
      );
    });
  });
});
