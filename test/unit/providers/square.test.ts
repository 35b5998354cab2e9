import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { WebhooksHelper } from 'square';
import { parsePayload } from '../../../src/providers/payload';
import { squareOptions, squareProvider } from '../../../src/providers/square';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const key = 'asdf1234';
const notificationUrl = 'https://example.com/webhook';
const body = Buffer.from('{"hello":"world"}');
const HEADER = 'x-square-hmacsha256-signature';

function settings(secrets = [key], options: Record<string, unknown> = {}) {
  return { secrets, toleranceSeconds: 0, options: squareOptions.parse(options) };
}

function request(headers: Readonly<Record<string, string | undefined>>, rawBody: Buffer = body, url = notificationUrl): WebhookRequest {
  return { rawBody, headers, url, contentType: 'application/json' };
}

/** Square's documented algorithm, written out independently of the provider. */
const expected = (secret: string, url: string, raw: Buffer | string) =>
  createHmac('sha256', secret).update(url).update(raw).digest('base64');

describe('square provider', () => {
  test('verify() accepts the Square docs vector', () => {
    const req = request({ [HEADER]: '2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og=' });
    expect(squareProvider.verify(req, settings(), now)).toEqual({ secretIndex: 0 });
  });

  test('sign() reproduces the docs vector and WebhooksHelper.verifySignature() accepts it', async () => {
    const out = squareProvider.sign({ body, contentType: 'application/json', url: notificationUrl, secret: key, now }, squareOptions.parse({}));
    expect(out.headers[HEADER]).toBe('2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og=');
    await expect(
      WebhooksHelper.verifySignature({
        requestBody: out.body.toString(),
        signatureHeader: out.headers[HEADER],
        signatureKey: key,
        notificationUrl,
      }),
    ).resolves.toBe(true);
  });

  test('WebhooksHelper.verifySignature() and verify() agree on a sample event, a tampered body and a wrong key', async () => {
    const sample = squareProvider.sample(undefined, now);
    const out = squareProvider.sign({ ...sample, url: notificationUrl, secret: 'sig-key', now }, squareOptions.parse({}));
    const sdk = (requestBody: string, signatureKey = 'sig-key') =>
      WebhooksHelper.verifySignature({ requestBody, signatureHeader: out.headers[HEADER], signatureKey, notificationUrl });
    await expect(sdk(out.body.toString())).resolves.toBe(true);
    expect(squareProvider.verify(request(out.headers, out.body), settings(['sig-key']), now).secretIndex).toBe(0);

    const tampered = Buffer.from(out.body.toString().replace('"amount":1000', '"amount":1001'));
    await expect(sdk(tampered.toString())).resolves.toBe(false);
    expect(reason(() => squareProvider.verify(request(out.headers, tampered), settings(['sig-key']), now))).toBe('no_matching_signature');

    await expect(sdk(out.body.toString(), 'other-key')).resolves.toBe(false);
    expect(reason(() => squareProvider.verify(request(out.headers, out.body), settings(['other-key']), now))).toBe('no_matching_signature');
  });

  test('verify() reports which key of a rotation list matched', () => {
    const req = request({ [HEADER]: expected('new-key', notificationUrl, body) });
    expect(squareProvider.verify(req, settings(['old-key', 'new-key']), now).secretIndex).toBe(1);
  });

  test('verify() signs the URL: another URL fails, notificationUrl overrides the request URL', () => {
    const req = request({ [HEADER]: expected(key, notificationUrl, body) }, body, 'http://10.0.0.7:3000/webhooks/square');
    expect(reason(() => squareProvider.verify(req, settings(), now))).toBe('no_matching_signature');
    expect(squareProvider.verify(req, settings([key], { notificationUrl }), now).secretIndex).toBe(0);
  });

  test('verify() rejects a missing or non-base64 header', () => {
    expect(reason(() => squareProvider.verify(request({}), settings(), now))).toBe('missing_signature');
    expect(reason(() => squareProvider.verify(request({ [HEADER]: '' }), settings(), now))).toBe('missing_signature');
    expect(reason(() => squareProvider.verify(request({ [HEADER]: 'sha256=abc!' }), settings(), now))).toBe('malformed_signature');
  });

  test('sign() uses notificationUrl when set, and posts to the given URL', () => {
    const o = squareOptions.parse({ notificationUrl });
    const out = squareProvider.sign({ body, contentType: 'application/json', url: 'http://localhost:3000/w/sq', secret: key, now }, o);
    expect(out.url).toBe('http://localhost:3000/w/sq');
    expect(out.headers[HEADER]).toBe(expected(key, notificationUrl, body));
  });

  test('options refuse a relative URL and unknown fields', () => {
    expect(squareOptions.safeParse({ notificationUrl: '/webhook' }).success).toBe(false);
    expect(squareOptions.safeParse({ url: notificationUrl }).success).toBe(false);
  });

  test('identify() reads event_id, type and created_at', () => {
    const sample = squareProvider.sample(undefined, now);
    const req = { ...request({}, sample.body), contentType: sample.contentType };
    const payload = parsePayload(req) as { event_id: string };
    expect(squareProvider.identify(req, payload, settings())).toEqual({ id: payload.event_id, type: 'payment.updated', occurredAt: now });
    expect(squareProvider.identify(req, { event_id: 'e1' }, settings())).toEqual({ id: 'e1', type: 'unknown', occurredAt: undefined });
  });

  test('identify() throws a 400 when event_id is missing', () => {
    expect(() => squareProvider.identify(request({}), { type: 'payment.updated' }, settings())).toThrow(
      expect.objectContaining({ status: 400, message: 'missing event ID field event_id in the body' }),
    );
  });

  test('secretHeaders() lists the current and legacy signature headers', () => {
    expect(squareProvider.secretHeaders(squareOptions.parse({}))).toEqual([HEADER, 'x-square-signature']);
  });

  describe('properties', () => {
    test('verify() only ever throws SignatureError on random input, and never verifies it', () => {
      const header = fc.oneof(fc.string(), fc.base64String(), fc.constant('2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og='));
      fc.assert(
        fc.property(fc.option(header, { nil: undefined }), fc.uint8Array({ maxLength: 300 }), fc.string(), (sig, raw, url) => {
          const headers: Record<string, string> = sig === undefined ? {} : { [HEADER]: sig };
          expect(reason(() => squareProvider.verify(request(headers, Buffer.from(raw), url), settings(), now))).toEqual(expect.any(String));
        }),
        { numRuns: 500 },
      );
    });

    test('a body signed with one key never verifies with another, nor once a byte changes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.nat(), (raw, a, b, at) => {
          fc.pre(a !== b);
          const out = squareProvider.sign({ body: Buffer.from(raw), contentType: 'application/json', url: notificationUrl, secret: a, now }, squareOptions.parse({}));
          expect(squareProvider.verify(request(out.headers, out.body), settings([a]), now).secretIndex).toBe(0);
          expect(reason(() => squareProvider.verify(request(out.headers, out.body), settings([b]), now))).toBe('no_matching_signature');
          const flipped = Buffer.from(out.body);
          flipped[at % flipped.length] ^= 1;
          expect(reason(() => squareProvider.verify(request(out.headers, flipped), settings([a]), now))).toBe('no_matching_signature');
        }),
      );
    });
  });
});
