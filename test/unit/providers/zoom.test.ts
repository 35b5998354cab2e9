import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { parsePayload } from '../../../src/providers/payload';
import type { WebhookRequest } from '../../../src/providers/types';
import { zoomOptions, zoomProvider } from '../../../src/providers/zoom';
import { reason } from '../../harness/signature-reason';

// No Zoom SDK verifier is installed: signatures here follow Zoom's documented algorithm,
// computed with node:crypto independently of the provider.
const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const secret = 'zoom-secret-token';
const body = Buffer.from(
  '{"event":"meeting.started","payload":{"account_id":"AAA","object":{"id":85746065432,"topic":"Weekly sync"}},"event_ts":1795428000000}',
);

const zoomSignature = (key: string, ts: number | string, raw: Buffer | string) =>
  `v0=${createHmac('sha256', key).update(`v0:${ts}:`).update(raw).digest('hex')}`;

function settings(secrets = [secret]) {
  return { secrets, toleranceSeconds: 300, options: zoomOptions.parse({}) };
}

function request(headers: Readonly<Record<string, string | undefined>>, rawBody: Buffer = body): WebhookRequest {
  return { rawBody, headers, url: 'https://hooks.example.com/zoom', contentType: 'application/json' };
}

/** One valid request, signed at `ts` with `key`; each test breaks one thing. */
const signedAt = (ts: number, key = secret, raw: Buffer = body) =>
  request({ 'x-zm-request-timestamp': String(ts), 'x-zm-signature': zoomSignature(key, ts, raw) }, raw);

describe('zoom provider', () => {
  test('verify() accepts a signature computed with the documented algorithm', () => {
    expect(zoomProvider.verify(signedAt(nowSeconds), settings(), now)).toEqual({ secretIndex: 0, signedAt: now });
  });

  test('verify() reports which secret of a rotation list matched', () => {
    expect(zoomProvider.verify(signedAt(nowSeconds, 'new'), settings(['old', 'new']), now).secretIndex).toBe(1);
  });

  test('verify() rejects a tampered body, a wrong secret and a changed timestamp', () => {
    const good = signedAt(nowSeconds);
    expect(reason(() => zoomProvider.verify(request(good.headers, Buffer.from(`${body} `)), settings(), now))).toBe('no_matching_signature');
    expect(reason(() => zoomProvider.verify(good, settings(['wrong']), now))).toBe('no_matching_signature');
    const moved = request({ ...good.headers, 'x-zm-request-timestamp': String(nowSeconds - 1) });
    expect(reason(() => zoomProvider.verify(moved, settings(), now))).toBe('no_matching_signature');
  });

  test('verify() accepts timestamps at the 300 s tolerance, both directions', () => {
    expect(zoomProvider.defaultToleranceSeconds).toBe(300);
    expect(zoomProvider.verify(signedAt(nowSeconds - 300), settings(), now).signedAt).toEqual(new Date((nowSeconds - 300) * 1000));
    expect(zoomProvider.verify(signedAt(nowSeconds + 300), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects timestamps one second past the tolerance, both directions', () => {
    expect(reason(() => zoomProvider.verify(signedAt(nowSeconds - 301), settings(), now))).toBe('timestamp_too_old');
    expect(reason(() => zoomProvider.verify(signedAt(nowSeconds + 301), settings(), now))).toBe('timestamp_in_future');
  });

  test('verify() rejects missing and malformed headers with their reasons', () => {
    const sig = zoomSignature(secret, nowSeconds, body);
    const ts = String(nowSeconds);
    expect(reason(() => zoomProvider.verify(request({ 'x-zm-request-timestamp': ts }), settings(), now))).toBe('missing_signature');
    for (const bad of ['abc', sig.slice(3), `v1=${sig.slice(3)}`, 'v0=', 'v0=zz', `${sig}, ${sig}`]) {
      expect(reason(() => zoomProvider.verify(request({ 'x-zm-signature': bad, 'x-zm-request-timestamp': ts }), settings(), now))).toBe(
        'malformed_signature',
      );
    }
    expect(reason(() => zoomProvider.verify(request({ 'x-zm-signature': sig }), settings(), now))).toBe('missing_timestamp');
    for (const bad of ['soon', '1.5e9', '-1', `${nowSeconds}000000000000`]) {
      expect(reason(() => zoomProvider.verify(request({ 'x-zm-signature': sig, 'x-zm-request-timestamp': bad }), settings(), now))).toBe(
        'malformed_timestamp',
      );
    }
  });

  describe('handshake()', () => {
    const validation = (plainToken: unknown) =>
      Buffer.from(JSON.stringify({ payload: { plainToken }, event_ts: now.getTime(), event: 'endpoint.url_validation' }));

    test('answers endpoint.url_validation with the token encrypted by the secret that verified', () => {
      const raw = validation('qgg8vlvZRS6UYooatFL8Aw');
      const req = signedAt(nowSeconds, 'new', raw);
      const s = settings(['old', 'new']);
      expect(zoomProvider.verify(req, s, now).secretIndex).toBe(1);
      expect(zoomProvider.handshake?.(req, parsePayload(req), s)).toEqual({
        status: 200,
        body: {
          plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
          encryptedToken: createHmac('sha256', 'new').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
        },
      });
    });

    test('uses the first secret when it is the one that signed', () => {
      const req = signedAt(nowSeconds, 'old', validation('tok'));
      const reply = zoomProvider.handshake?.(req, parsePayload(req), settings(['old', 'new']));
      expect(reply?.body).toEqual({ plainToken: 'tok', encryptedToken: createHmac('sha256', 'old').update('tok').digest('hex') });
    });

    test('returns undefined for ordinary events', () => {
      const req = signedAt(nowSeconds);
      expect(zoomProvider.handshake?.(req, parsePayload(req), settings())).toBeUndefined();
    });

    test('refuses to answer a challenge that no secret signed, so it cannot be used as a signing oracle', () => {
      const raw = validation('v0:1795428000:{"event":"meeting.started"}');
      const req = signedAt(nowSeconds, 'attacker', raw);
      expect(reason(() => zoomProvider.handshake?.(req, parsePayload(req), settings()))).toBe('no_matching_signature');
    });

    test('throws a 400 when the challenge has no plainToken string', () => {
      for (const token of [undefined, 42, '']) {
        const req = signedAt(nowSeconds, secret, validation(token));
        expect(() => zoomProvider.handshake?.(req, parsePayload(req), settings())).toThrow(expect.objectContaining({ status: 400 }));
      }
    });
  });

  describe('identify()', () => {
    test('reads the type and event_ts, and derives the ID from the body', () => {
      const req = signedAt(nowSeconds);
      expect(zoomProvider.identify(req, parsePayload(req), settings())).toEqual({
        id: createHash('sha256').update(body).digest('hex'),
        type: 'meeting.started',
        occurredAt: new Date(1795428000000),
      });
    });

    test('gives a retry re-signed with a later timestamp the same ID', () => {
      const first = signedAt(nowSeconds - 300);
      const retry = signedAt(nowSeconds);
      expect(zoomProvider.identify(retry, parsePayload(retry), settings()).id).toBe(
        zoomProvider.identify(first, parsePayload(first), settings()).id,
      );
    });

    test('falls back to unknown without an event field', () => {
      const req = signedAt(nowSeconds, secret, Buffer.from('{}'));
      expect(zoomProvider.identify(req, {}, settings())).toMatchObject({ type: 'unknown', occurredAt: undefined });
    });
  });

  test('sign() builds headers that the documented algorithm and verify() accept', () => {
    const sample = zoomProvider.sample(undefined, now);
    const out = zoomProvider.sign({ ...sample, url: 'https://h.example/z', secret, now }, zoomOptions.parse({}));
    expect(out.headers['x-zm-request-timestamp']).toBe(String(nowSeconds));
    expect(out.headers['x-zm-signature']).toBe(zoomSignature(secret, nowSeconds, out.body));
    const req = request(out.headers, out.body);
    expect(zoomProvider.verify(req, settings(), now).secretIndex).toBe(0);
    expect(zoomProvider.identify(req, parsePayload(req), settings())).toMatchObject({ type: 'meeting.started', occurredAt: now });
  });

  test('sample() of endpoint.url_validation is a challenge handshake() answers', () => {
    const sample = zoomProvider.sample('endpoint.url_validation', now);
    const out = zoomProvider.sign({ ...sample, url: 'https://h.example/z', secret, now }, zoomOptions.parse({}));
    const req = request(out.headers, out.body);
    expect(zoomProvider.handshake?.(req, parsePayload(req), settings())?.status).toBe(200);
  });

  test('secretHeaders() lists the signature and the legacy verification token', () => {
    expect(zoomProvider.secretHeaders({})).toEqual(['x-zm-signature', 'authorization']);
  });

  describe('properties', () => {
    const sig = fc.oneof(fc.string(), fc.stringMatching(/^v0=[0-9a-f]{64}$/), fc.string().map((s) => `v0=${s}`));
    const ts = fc.oneof(fc.string(), fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }).map(String));

    test('verify() only ever throws SignatureError on random input, and never verifies it', () => {
      fc.assert(
        fc.property(fc.option(sig, { nil: undefined }), fc.option(ts, { nil: undefined }), fc.uint8Array({ maxLength: 300 }), (s, t, raw) => {
          const headers: Record<string, string> = {};
          if (s !== undefined) headers['x-zm-signature'] = s;
          if (t !== undefined) headers['x-zm-request-timestamp'] = t;
          expect(reason(() => zoomProvider.verify(request(headers, Buffer.from(raw)), settings(), now))).toEqual(expect.any(String));
        }),
        { numRuns: 500 },
      );
    });

    test('a request signed with one secret never verifies with another', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (raw, a, b) => {
          fc.pre(a !== b);
          const req = signedAt(nowSeconds, a, Buffer.from(raw));
          expect(zoomProvider.verify(req, settings([a]), now).secretIndex).toBe(0);
          expect(reason(() => zoomProvider.verify(req, settings([b]), now))).toBe('no_matching_signature');
        }),
      );
    });
  });
});
