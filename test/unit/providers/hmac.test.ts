import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SignatureError } from '../../../src/errors/http-errors';
import { hmacOptions, hmacProvider } from '../../../src/providers/hmac';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const body = Buffer.from('{"id":"evt_1","type":"order.paid","data":{"n":1}}');

function settings(options: Record<string, unknown>, secrets = ['s3cret']) {
  return { secrets, toleranceSeconds: 300, options: hmacOptions.parse(options) };
}

function request(headers: Record<string, string>, raw: Buffer = body): WebhookRequest {
  return { rawBody: raw, headers, url: 'http://localhost/webhooks/x', contentType: 'application/json' };
}

describe('hmac provider', () => {
  const basic = { signatureHeader: 'X-Signature', prefix: 'sha256=', idField: 'id', typeField: 'type' };
  const sig = (secret: string, content: Buffer | string, alg = 'sha256', enc: 'hex' | 'base64' = 'hex') =>
    createHmac(alg, secret).update(content).digest(enc);

  test('verify() accepts the GitHub docs vector with prefix sha256=', () => {
    const s = settings({ signatureHeader: 'x-hub-signature-256', prefix: 'sha256=' }, ["It's a Secret to Everybody"]);
    const req = request(
      { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
      Buffer.from('Hello, World!'),
    );
    expect(hmacProvider.verify(req, s, now)).toEqual({ secretIndex: 0, signedAt: undefined });
  });

  test.each(['sha1', 'sha256', 'sha512'] as const)('verify() accepts %s in hex and base64', (algorithm) => {
    for (const encoding of ['hex', 'base64'] as const) {
      const s = settings({ signatureHeader: 'x-sig', algorithm, encoding });
      const req = request({ 'x-sig': sig('s3cret', body, algorithm, encoding) });
      expect(hmacProvider.verify(req, s, now).secretIndex).toBe(0);
    }
  });

  test('verify() reports which secret of a rotation list matched', () => {
    const s = settings(basic, ['old', 'new']);
    expect(hmacProvider.verify(request({ 'x-signature': `sha256=${sig('new', body)}` }), s, now).secretIndex).toBe(1);
  });

  test('verify() rejects a tampered body, a wrong secret and a missing or malformed header', () => {
    const s = settings(basic);
    const good = `sha256=${sig('s3cret', body)}`;
    expect(reason(() => hmacProvider.verify(request({ 'x-signature': good }, Buffer.from(`${body} `)), s, now))).toBe(
      'no_matching_signature',
    );
    expect(reason(() => hmacProvider.verify(request({ 'x-signature': `sha256=${sig('wrong', body)}` }), s, now))).toBe(
      'no_matching_signature',
    );
    expect(reason(() => hmacProvider.verify(request({}), s, now))).toBe('missing_signature');
    expect(reason(() => hmacProvider.verify(request({ 'x-signature': 'sha256=zz' }), s, now))).toBe('malformed_signature');
    expect(reason(() => hmacProvider.verify(request({ 'x-signature': sig('s3cret', body) }), s, now))).toBe(
      'malformed_signature',
    );
  });

  describe('with a timestamp template', () => {
    const options = { signatureHeader: 'x-sig', timestampHeader: 'x-ts', signedContent: '{timestamp}.{body}' };
    const signedAt = (ts: number) => request({ 'x-ts': String(ts), 'x-sig': sig('s3cret', `${ts}.${body}`) });

    test('verify() accepts timestamps at the tolerance edge, both directions', () => {
      const s = settings(options);
      expect(hmacProvider.verify(signedAt(nowSeconds - 300), s, now).signedAt).toEqual(new Date((nowSeconds - 300) * 1000));
      expect(hmacProvider.verify(signedAt(nowSeconds + 300), s, now).secretIndex).toBe(0);
    });

    test('verify() rejects timestamps one second past the tolerance, both directions', () => {
      const s = settings(options);
      expect(reason(() => hmacProvider.verify(signedAt(nowSeconds - 301), s, now))).toBe('timestamp_too_old');
      expect(reason(() => hmacProvider.verify(signedAt(nowSeconds + 301), s, now))).toBe('timestamp_in_future');
    });

    test('verify() rejects a missing or non-numeric timestamp', () => {
      const s = settings(options);
      expect(reason(() => hmacProvider.verify(request({ 'x-sig': 'abcd' }), s, now))).toBe('missing_timestamp');
      expect(reason(() => hmacProvider.verify(request({ 'x-sig': 'abcd', 'x-ts': '12e3' }), s, now))).toBe(
        'malformed_timestamp',
      );
    });
  });

  test('identify() reads the ID and type from body fields or headers', () => {
    expect(hmacProvider.identify(request({}), JSON.parse(body.toString()), settings(basic))).toEqual({
      id: 'evt_1',
      type: 'order.paid',
      occurredAt: undefined,
    });
    const byHeader = settings({ signatureHeader: 'x-sig', idHeader: 'X-Event-Id', typeHeader: 'X-Event-Type' });
    expect(hmacProvider.identify(request({ 'x-event-id': 'e-9', 'x-event-type': 't' }), {}, byHeader)).toMatchObject({
      id: 'e-9',
      type: 't',
    });
  });

  test('identify() throws a 400 when the configured ID is missing', () => {
    expect(() => hmacProvider.identify(request({}), { type: 'x' }, settings(basic))).toThrow(
      expect.objectContaining({ status: 400, message: 'missing event ID field id in the body' }),
    );
  });

  test('identify() derives a stable ID from the signed content when none is configured', () => {
    const s = settings({ signatureHeader: 'x-sig' });
    const a = hmacProvider.identify(request({}), {}, s).id;
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hmacProvider.identify(request({}), {}, s).id).toBe(a);
    expect(hmacProvider.identify(request({}, Buffer.from('other')), {}, s).id).not.toBe(a);
  });

  test('sign() produces a request that verify() accepts', () => {
    const o = { signatureHeader: 'x-sig', timestampHeader: 'x-ts', signedContent: '{timestamp}:{body}', prefix: 'v1=' };
    const signed = hmacProvider.sign(
      { body, contentType: 'application/json', url: 'http://h/webhooks/x', secret: 's3cret', now },
      hmacOptions.parse(o),
    );
    expect(hmacProvider.verify(request(signed.headers, signed.body), settings(o), now).secretIndex).toBe(0);
  });

  test('options reject a template using {timestamp} without timestampHeader', () => {
    expect(hmacOptions.safeParse({ signatureHeader: 'x', signedContent: '{timestamp}.{body}' }).success).toBe(false);
  });

  test('verify() only ever throws SignatureError on random headers and bodies, and never verifies them', () => {
    const s = settings({ signatureHeader: 'x-sig', timestampHeader: 'x-ts', signedContent: '{timestamp}.{body}', prefix: 'sha256=' });
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), fc.uint8Array({ maxLength: 256 }), (sig, ts, raw) => {
        const headers: Record<string, string> = { 'x-sig': sig };
        if (ts !== null) headers['x-ts'] = ts;
        try {
          hmacProvider.verify(request(headers, Buffer.from(raw)), s, now);
          return false; // verified without the secret
        } catch (error) {
          return error instanceof SignatureError;
        }
      }),
      { numRuns: 500 },
    );
  });
});
