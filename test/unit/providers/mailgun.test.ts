import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { mailgunOptions, mailgunProvider } from '../../../src/providers/mailgun';
import { parsePayload } from '../../../src/providers/payload';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

// No Mailgun SDK verifier is installed: signatures here follow Mailgun's documented algorithm,
// hex HMAC-SHA256 of <timestamp><token>, computed with node:crypto independently of the provider.
const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const key = 'key-mailgun-signing';
const token = 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0';
const FORM = 'application/x-www-form-urlencoded';

const mailgunSignature = (secret: string, timestamp: string | number, tok: string) =>
  createHmac('sha256', secret).update(`${timestamp}${tok}`).digest('hex');

const eventData = {
  id: 'CPgfbmQMTCKtHW6uIWtuVe',
  timestamp: 1795428000.123456,
  event: 'delivered',
  recipient: 'alice@example.com',
};

function jsonBody(signature: Record<string, unknown> | undefined, data: unknown = eventData): Buffer {
  return Buffer.from(JSON.stringify(signature === undefined ? { 'event-data': data } : { signature, 'event-data': data }));
}

/** One valid JSON delivery signed at `ts` with `secret`; each test breaks one thing. */
const signedAt = (ts: number, secret = key, tok = token) =>
  request(jsonBody({ timestamp: String(ts), token: tok, signature: mailgunSignature(secret, ts, tok) }));

function settings(secrets = [key]) {
  return { secrets, toleranceSeconds: 300, options: mailgunOptions.parse({}) };
}

function request(rawBody: Buffer, contentType = 'application/json'): WebhookRequest {
  return { rawBody, headers: {}, url: 'https://hooks.example.com/mailgun', contentType };
}

describe('mailgun provider', () => {
  test('verify() accepts a JSON delivery signed with the documented algorithm', () => {
    expect(mailgunProvider.verify(signedAt(nowSeconds), settings(), now)).toEqual({ secretIndex: 0, signedAt: now, nonce: token });
  });

  test('verify() accepts a legacy form post with top-level timestamp, token and signature', () => {
    const form = new URLSearchParams({
      event: 'delivered',
      recipient: 'alice@example.com',
      timestamp: String(nowSeconds),
      token,
      signature: mailgunSignature(key, nowSeconds, token),
    });
    expect(mailgunProvider.verify(request(Buffer.from(form.toString()), FORM), settings(), now).secretIndex).toBe(0);
  });

  test('verify() accepts a timestamp sent as a JSON number', () => {
    const raw = jsonBody({ timestamp: nowSeconds, token, signature: mailgunSignature(key, nowSeconds, token) });
    expect(mailgunProvider.verify(request(raw), settings(), now).signedAt).toEqual(now);
  });

  test('verify() reports which signing key of a rotation list matched', () => {
    expect(mailgunProvider.verify(signedAt(nowSeconds, 'new'), settings(['old', 'new']), now).secretIndex).toBe(1);
  });

  test('verify() rejects a wrong key, a changed token and a changed timestamp', () => {
    expect(reason(() => mailgunProvider.verify(signedAt(nowSeconds), settings(['wrong']), now))).toBe('no_matching_signature');
    const sig = mailgunSignature(key, nowSeconds, token);
    const otherToken = jsonBody({ timestamp: String(nowSeconds), token: `${token}x`, signature: sig });
    expect(reason(() => mailgunProvider.verify(request(otherToken), settings(), now))).toBe('no_matching_signature');
    const otherTs = jsonBody({ timestamp: String(nowSeconds - 1), token, signature: sig });
    expect(reason(() => mailgunProvider.verify(request(otherTs), settings(), now))).toBe('no_matching_signature');
  });

  test('verify() covers only timestamp and token, as Mailgun signs: a changed event-data still verifies', () => {
    // The scheme authenticates the sender, not the body; tokens are the replay defence (dedup on them).
    const sig = { timestamp: String(nowSeconds), token, signature: mailgunSignature(key, nowSeconds, token) };
    const tampered = jsonBody(sig, { ...eventData, event: 'failed' });
    expect(mailgunProvider.verify(request(tampered), settings(), now).secretIndex).toBe(0);
  });

  test('verify() accepts timestamps at the 300 s tolerance, both directions', () => {
    expect(mailgunProvider.defaultToleranceSeconds).toBe(300);
    expect(mailgunProvider.verify(signedAt(nowSeconds - 300), settings(), now).signedAt).toEqual(new Date((nowSeconds - 300) * 1000));
    expect(mailgunProvider.verify(signedAt(nowSeconds + 300), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects timestamps one second past the tolerance, both directions', () => {
    expect(reason(() => mailgunProvider.verify(signedAt(nowSeconds - 301), settings(), now))).toBe('timestamp_too_old');
    expect(reason(() => mailgunProvider.verify(signedAt(nowSeconds + 301), settings(), now))).toBe('timestamp_in_future');
  });

  test('verify() rejects missing and malformed signature fields with their reasons', () => {
    const sig = mailgunSignature(key, nowSeconds, token);
    const ts = String(nowSeconds);
    const cases: [Buffer, string, string?][] = [
      [jsonBody(undefined), 'missing_signature'],
      [jsonBody({ timestamp: ts, token }), 'missing_signature'],
      [jsonBody({ timestamp: ts, token, signature: '' }), 'missing_signature'],
      [jsonBody({ timestamp: ts, token, signature: 'zz' }), 'malformed_signature'],
      [jsonBody({ timestamp: ts, token, signature: 42 }), 'malformed_signature'],
      [jsonBody({ timestamp: ts, signature: sig }), 'malformed_signature'],
      [jsonBody({ timestamp: ts, token: 'x'.repeat(600), signature: sig }), 'malformed_signature'],
      [Buffer.from('{"signature":"abc"}'), 'malformed_signature'],
      [Buffer.from('{"signature":[1]}'), 'malformed_signature'],
      [Buffer.from('not json'), 'malformed_signature'],
      [Buffer.from(`{"signature":${'['.repeat(100)}${']'.repeat(100)}}`), 'malformed_signature'],
      [jsonBody({ token, signature: sig }), 'missing_timestamp'],
      [jsonBody({ timestamp: 'noon', token, signature: sig }), 'malformed_timestamp'],
      [jsonBody({ timestamp: 1.5, token, signature: sig }), 'malformed_timestamp'],
      [Buffer.from(`token=${token}&signature=${sig}&signature=${sig}&timestamp=${ts}`), 'malformed_signature', FORM],
      [Buffer.from(`token=${token}&timestamp=${ts}`), 'missing_signature', FORM],
      [Buffer.from('x'), 'malformed_signature', 'multipart/form-data'],
      [Buffer.alloc(1024 * 1024 + 1, 0x20), 'malformed_signature'],
    ];
    for (const [raw, expected, type] of cases) {
      expect([raw.toString().slice(0, 80), reason(() => mailgunProvider.verify(request(raw, type), settings(), now))]).toEqual([
        raw.toString().slice(0, 80),
        expected,
      ]);
    }
  });

  describe('identify()', () => {
    test('reads event-data.id, event-data.event and the float event-data.timestamp', () => {
      const req = signedAt(nowSeconds);
      expect(mailgunProvider.identify(req, parsePayload(req), settings())).toEqual({
        id: 'CPgfbmQMTCKtHW6uIWtuVe',
        type: 'delivered',
        occurredAt: new Date(1795428000123),
      });
    });

    test('falls back to the signature token without event-data.id, and reads legacy forms', () => {
      expect(mailgunProvider.identify(request(Buffer.from('')), { signature: { token }, 'event-data': { event: 'opened' } }, settings())).toMatchObject({
        id: token,
        type: 'opened',
      });
      const form = { event: 'delivered', token, timestamp: String(nowSeconds), signature: 'ab' };
      expect(mailgunProvider.identify(request(Buffer.from(''), FORM), form, settings())).toEqual({ id: token, type: 'delivered', occurredAt: now });
    });

    test('throws a 400 with neither an event ID nor a token', () => {
      expect(() => mailgunProvider.identify(request(Buffer.from('')), { 'event-data': { event: 'x' } }, settings())).toThrow(
        expect.objectContaining({ status: 400 }),
      );
    });
  });

  describe('sign()', () => {
    test('puts a signature object first in a JSON body, which the documented algorithm and verify() accept', () => {
      const sample = mailgunProvider.sample(undefined, now);
      const out = mailgunProvider.sign({ ...sample, url: 'https://h.example/mg', secret: key, now }, {});
      const parsed = JSON.parse(out.body.toString()) as { signature: { timestamp: string; token: string; signature: string } };
      expect(Object.keys(parsed)).toEqual(['signature', 'event-data']);
      expect(parsed.signature.timestamp).toBe(String(nowSeconds));
      expect(parsed.signature.token).toMatch(/^[0-9a-f]{50}$/);
      expect(parsed.signature.signature).toBe(mailgunSignature(key, nowSeconds, parsed.signature.token));
      const req = request(out.body, out.contentType);
      expect(mailgunProvider.verify(req, settings(), now).secretIndex).toBe(0);
      expect(mailgunProvider.identify(req, parsePayload(req), settings())).toMatchObject({ type: 'delivered', occurredAt: now });
    });

    test('replaces an existing signature and signs legacy forms with three fields', () => {
      const resigned = mailgunProvider.sign({ body: signedAt(1).rawBody, contentType: 'application/json', url: 'u', secret: key, now }, {});
      expect(mailgunProvider.verify(request(resigned.body), settings(), now).signedAt).toEqual(now);
      const form = mailgunProvider.sign({ body: Buffer.from('event=delivered'), contentType: FORM, url: 'u', secret: key, now }, {});
      expect(mailgunProvider.verify(request(form.body, FORM), settings(), now).secretIndex).toBe(0);
      expect(form.body.toString()).toMatch(/^event=delivered&timestamp=\d+&token=[0-9a-f]{50}&signature=[0-9a-f]{64}$/);
    });

    test('refuses a body that is neither a JSON object nor a form', () => {
      expect(() => mailgunProvider.sign({ body: Buffer.from('[1]'), contentType: 'application/json', url: 'u', secret: key, now }, {})).toThrow(
        'JSON object',
      );
    });
  });

  test('secretHeaders() is empty: the signature travels in the body', () => {
    expect(mailgunProvider.secretHeaders({})).toEqual([]);
  });

  describe('properties', () => {
    const text = fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/), fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }).map(String));
    const field = fc.oneof(text, fc.integer(), fc.double(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.object());
    const signatureObject = fc.record(
      { timestamp: field, token: field, signature: field },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      signatureObject.map((sig) => ({ raw: jsonBody(sig), type: 'application/json' })),
      fc.json().map((j) => ({ raw: Buffer.from(j), type: 'application/json' })),
      fc.uint8Array({ maxLength: 300 }).map((b) => ({ raw: Buffer.from(b), type: 'application/json' })),
      fc.dictionary(fc.constantFrom('timestamp', 'token', 'signature', 'event', 'x'), fc.string()).map((d) => ({
        raw: Buffer.from(new URLSearchParams(d).toString()),
        type: FORM,
      })),
      fc.string().map((s) => ({ raw: Buffer.from(s), type: FORM })),
    );

    test('verify() only ever throws SignatureError on random input, and never verifies it', () => {
      fc.assert(
        fc.property(body, ({ raw, type }) => {
          expect(reason(() => mailgunProvider.verify(request(raw, type), settings(), now))).toEqual(expect.any(String));
        }),
        { numRuns: 1000 },
      );
    });

    test('a delivery signed with one key never verifies with another', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (tok, a, b) => {
          fc.pre(a !== b);
          const req = signedAt(nowSeconds, a, tok);
          expect(mailgunProvider.verify(req, settings([a]), now).secretIndex).toBe(0);
          expect(reason(() => mailgunProvider.verify(req, settings([b]), now))).toBe('no_matching_signature');
        }),
      );
    });
  });
});
