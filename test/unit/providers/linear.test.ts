import { createHash, createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { BadRequestError, SignatureError } from '../../../src/errors/http-errors';
import { linearOptions, linearProvider } from '../../../src/providers/linear';
import { parsePayload } from '../../../src/providers/payload';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

/**
 * @linear/sdk ships its webhook client as ESM only, which Jest's CommonJS runtime cannot load
 * (not even through createRequire), so the SDK runs in a child Node process: each case is
 * `new LinearWebhookClient(secret).verify(body, signature)`, reported as true or the error.
 */
function linearSdkVerify(cases: { secret: string; body: Buffer; signature: string }[]): (true | string)[] {
  const script = `
    import { LinearWebhookClient } from '@linear/sdk/webhooks';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const results = JSON.parse(input).map(({ secret, body, signature }) => {
      try {
        return new LinearWebhookClient(secret).verify(Buffer.from(body, 'base64'), signature);
      } catch (error) {
        return error.message;
      }
    });
    process.stdout.write(JSON.stringify(results));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.resolve(__dirname, '../../..'),
    input: JSON.stringify(cases.map((c) => ({ ...c, body: c.body.toString('base64') }))),
  });
  return JSON.parse(out.toString()) as (true | string)[];
}

const now = new Date('2026-11-23T10:00:00Z');
const secret = 'lin_wh_secret';

const bodyAt = (ms: number) =>
  Buffer.from(
    JSON.stringify({
      action: 'create',
      type: 'Issue',
      createdAt: '2026-11-23T09:59:59.000Z',
      data: { id: 'b1d2', identifier: 'ENG-42', title: 'Retry twice' },
      webhookTimestamp: ms,
      webhookId: 'wh-1',
    }),
  );
const body = bodyAt(now.getTime());

const hex = (key: string, raw: Buffer | string) => createHmac('sha256', key).update(raw).digest('hex');

function settings(secrets = [secret]) {
  return { secrets, toleranceSeconds: 60, options: linearOptions.parse({}) };
}

function request(headers: Readonly<Record<string, string | undefined>>, rawBody: Buffer = body): WebhookRequest {
  return { rawBody, headers, url: 'https://hooks.example.com/linear', contentType: 'application/json' };
}

const signed = (raw: Buffer = body, key = secret, extra: Record<string, string> = {}) =>
  request({ 'linear-signature': hex(key, raw), ...extra }, raw);

describe('linear provider', () => {
  describe('against @linear/sdk LinearWebhookClient', () => {
    test('the SDK accepts sign() output, rejects a tampered body and a wrong secret, as verify() does', () => {
      // The SDK checks webhookTimestamp against the real clock, so these requests are signed now.
      const realNow = new Date();
      const sample = linearProvider.sample(undefined, realNow);
      const out = linearProvider.sign({ ...sample, url: 'https://h.example/l', secret, now: realNow }, linearOptions.parse({}));
      const sig = out.headers['linear-signature'];
      const tampered = Buffer.from(out.body.toString().replace('retried twice', 'retried thrice'));
      expect(tampered.equals(out.body)).toBe(false);
      const stale = linearProvider.sign(
        { ...sample, url: 'u', secret, now: new Date(realNow.getTime() - 120_000) },
        linearOptions.parse({}),
      );

      expect(
        linearSdkVerify([
          { secret, body: out.body, signature: sig },
          { secret, body: tampered, signature: sig },
          { secret: 'other', body: out.body, signature: sig },
          { secret, body: stale.body, signature: stale.headers['linear-signature'] },
        ]),
      ).toEqual([true, 'Invalid webhook signature', 'Invalid webhook signature', 'Invalid webhook timestamp']);

      expect(linearProvider.verify(request(out.headers, out.body), settings(), realNow).secretIndex).toBe(0);
      expect(reason(() => linearProvider.verify(request(out.headers, tampered), settings(), realNow))).toBe('no_matching_signature');
      expect(reason(() => linearProvider.verify(request(out.headers, out.body), settings(['other']), realNow))).toBe(
        'no_matching_signature',
      );
      expect(reason(() => linearProvider.verify(request(stale.headers, stale.body), settings(), realNow))).toBe('timestamp_too_old');
    });

    test('verify() accepts a signature the SDK accepts for a hand-written delivery', () => {
      const realNow = new Date();
      const raw = bodyAt(realNow.getTime());
      const sig = hex(secret, raw);
      expect(linearSdkVerify([{ secret, body: raw, signature: sig }])).toEqual([true]);
      expect(linearProvider.verify(request({ 'linear-signature': sig }, raw), settings(), realNow).secretIndex).toBe(0);
    });
  });

  test('verify() accepts a valid delivery and returns the signed body timestamp', () => {
    expect(linearProvider.verify(signed(), settings(), now)).toEqual({ secretIndex: 0, signedAt: now });
  });

  test('verify() reports which secret of a rotation list matched', () => {
    expect(linearProvider.verify(signed(body, 'new'), settings(['old', 'new']), now).secretIndex).toBe(1);
  });

  test('verify() accepts webhookTimestamp at the 60 s tolerance, both directions', () => {
    expect(linearProvider.defaultToleranceSeconds).toBe(60);
    for (const ms of [now.getTime() - 60_000, now.getTime() + 60_000]) {
      expect(linearProvider.verify(signed(bodyAt(ms)), settings(), now).signedAt).toEqual(new Date(ms));
    }
  });

  test('verify() rejects webhookTimestamp one second past the tolerance, both directions', () => {
    expect(reason(() => linearProvider.verify(signed(bodyAt(now.getTime() - 61_000)), settings(), now))).toBe('timestamp_too_old');
    expect(reason(() => linearProvider.verify(signed(bodyAt(now.getTime() + 61_000)), settings(), now))).toBe('timestamp_in_future');
  });

  test('verify() trusts only the signed body timestamp, not the unsigned Linear-Timestamp header', () => {
    const stale = bodyAt(now.getTime() - 3_600_000);
    const replay = signed(stale, secret, { 'linear-timestamp': String(now.getTime()) });
    expect(reason(() => linearProvider.verify(replay, settings(), now))).toBe('timestamp_too_old');
    const noBodyTs = Buffer.from('{"type":"Issue","action":"create"}');
    expect(reason(() => linearProvider.verify(signed(noBodyTs, secret, { 'linear-timestamp': String(now.getTime()) }), settings(), now))).toBe(
      'missing_timestamp',
    );
  });

  test('verify() rejects missing and malformed signatures with their reasons', () => {
    expect(reason(() => linearProvider.verify(request({}), settings(), now))).toBe('missing_signature');
    for (const bad of ['xyz', 'sha256=abcd', `${hex(secret, body)}0`, `${hex(secret, body)}, ${hex(secret, body)}`]) {
      expect(reason(() => linearProvider.verify(request({ 'linear-signature': bad }), settings(), now))).toBe('malformed_signature');
    }
  });

  test('verify() rejects a signed body with a malformed webhookTimestamp', () => {
    for (const raw of ['[1]', '{"webhookTimestamp":"soon"}', '{"webhookTimestamp":1.5}', '{"webhookTimestamp":true}']) {
      expect(reason(() => linearProvider.verify(signed(Buffer.from(raw)), settings(), now))).toBe(
        raw === '[1]' ? 'missing_timestamp' : 'malformed_timestamp',
      );
    }
  });

  test('verify() answers an authentic body that is not JSON, or nested too deep, as a bad request, not a bad signature', () => {
    const deep = Buffer.from(`${'['.repeat(100)}${']'.repeat(100)}`);
    for (const raw of [Buffer.from('not json'), deep]) {
      expect(() => linearProvider.verify(signed(raw), settings(), now)).toThrow(BadRequestError);
    }
  });

  describe('identify()', () => {
    test('reads Linear-Delivery, <type>.<action> and createdAt', () => {
      const req = signed(body, secret, { 'linear-delivery': '5e3f-delivery' });
      expect(linearProvider.identify(req, parsePayload(req), settings())).toEqual({
        id: '5e3f-delivery',
        type: 'Issue.create',
        occurredAt: new Date('2026-11-23T09:59:59.000Z'),
      });
    });

    test('derives the ID from the body without Linear-Delivery, and falls back on the type alone', () => {
      const req = signed(Buffer.from('{"type":"OAuthApp","webhookTimestamp":1795428000000}'));
      expect(linearProvider.identify(req, parsePayload(req), settings())).toEqual({
        id: createHash('sha256').update(req.rawBody).digest('hex'),
        type: 'OAuthApp',
        occurredAt: new Date(1795428000000),
      });
      expect(linearProvider.identify(request({}), {}, settings()).type).toBe('unknown');
    });
  });

  test('sign() stamps webhookTimestamp with the send time and adds Linear headers', () => {
    const stale = Buffer.from('{"type":"Comment","action":"update","webhookTimestamp":1}');
    const out = linearProvider.sign({ body: stale, contentType: 'application/json', url: 'https://h.example/l', secret, now }, {});
    expect(JSON.parse(out.body.toString())).toMatchObject({ type: 'Comment', webhookTimestamp: now.getTime() });
    expect(out.headers).toMatchObject({
      'linear-signature': hex(secret, out.body),
      'linear-timestamp': String(now.getTime()),
      'linear-event': 'Comment',
      'linear-delivery': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(linearProvider.verify(request(out.headers, out.body), settings(), now).signedAt).toEqual(now);
    const sample = linearProvider.sample(undefined, now);
    expect(linearProvider.sign({ ...sample, url: 'u', secret, now }, {}).body).toEqual(sample.body);
  });

  test('secretHeaders() lists the signature header', () => {
    expect(linearProvider.secretHeaders({})).toEqual(['linear-signature']);
  });

  describe('properties', () => {
    test('verify() only ever throws SignatureError on random input, and never verifies it', () => {
      const sig = fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/));
      const raw = fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        fc.json().map((j) => Buffer.from(j)),
        fc.integer().map((ms) => bodyAt(ms)),
      );
      fc.assert(
        fc.property(fc.option(sig, { nil: undefined }), raw, (s, b) => {
          const headers: Record<string, string> = s === undefined ? {} : { 'linear-signature': s };
          expect(reason(() => linearProvider.verify(request(headers, b), settings(), now))).toEqual(expect.any(String));
        }),
        { numRuns: 500 },
      );
    });

    test('signed random JSON either verifies with its own secret or fails with a SignatureError, never with another secret', () => {
      fc.assert(
        fc.property(fc.json(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (j, a, b) => {
          fc.pre(a !== b);
          const req = signed(Buffer.from(j), a);
          expect(reason(() => linearProvider.verify(req, settings([b]), now))).toBe('no_matching_signature');
          try {
            linearProvider.verify(req, settings([a]), now);
          } catch (error) {
            expect(error).toBeInstanceOf(SignatureError);
          }
        }),
      );
    });
  });
});
