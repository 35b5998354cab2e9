import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { SignatureError } from '../../../src/errors/http-errors';
import { standardWebhooksOptions, standardWebhooksProvider } from '../../../src/providers/standard-webhooks';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const provider = standardWebhooksProvider;
const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherSecret = `whsec_${Buffer.from('another key of thirty-two bytes!').toString('base64')}`;
const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const body = Buffer.from('{"type":"invoice.paid","timestamp":"2026-11-23T09:59:59Z","data":{"id":"inv_1"}}');

function settings(secrets = [secret], toleranceSeconds = 300) {
  return { secrets, toleranceSeconds, options: standardWebhooksOptions.parse({}) };
}

function request(headers: Record<string, string>, raw: Buffer = body): WebhookRequest {
  return { rawBody: raw, headers, url: 'http://localhost/webhooks/sw', contentType: 'application/json' };
}

/** The reference library's signature: `v1,<base64>`. */
function sdkSigned(ts = nowSeconds, key = secret, raw = body, msgId = id): Record<string, string> {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(ts),
    'webhook-signature': new Webhook(key).sign(msgId, new Date(ts * 1000), raw.toString()),
  };
}

function v1(key: string, ts = nowSeconds, raw = body, msgId = id): string {
  const keyBytes = Buffer.from(key.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', keyBytes).update(`${msgId}.${ts}.${raw}`).digest('base64')}`;
}

describe('standard-webhooks provider', () => {
  const vector = {
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: '1614265330',
    body: Buffer.from('{"test": 2432232314}'),
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const vectorNow = new Date(Number(vector.timestamp) * 1000);

  test.each(['webhook', 'svix'])('verify() accepts the library vector under %s-* headers', (family) => {
    const req = request(
      {
        [`${family}-id`]: vector.id,
        [`${family}-timestamp`]: vector.timestamp,
        [`${family}-signature`]: vector.signature,
      },
      vector.body,
    );
    expect(provider.verify(req, settings(), vectorNow)).toEqual({ secretIndex: 0, signedAt: vectorNow });
  });

  test('verify() accepts a secret given without the whsec_ prefix', () => {
    expect(provider.verify(request(sdkSigned()), settings([secret.slice('whsec_'.length)]), now).secretIndex).toBe(0);
  });

  test('verify() accepts a signature from standardwebhooks Webhook.sign', () => {
    expect(provider.verify(request(sdkSigned()), settings(), now)).toEqual({ secretIndex: 0, signedAt: now });
  });

  test('verify() accepts svix-* headers signed by svix Webhook.sign', () => {
    const headers = {
      'svix-id': id,
      'svix-timestamp': String(nowSeconds),
      'svix-signature': new SvixWebhook(secret).sign(id, now, body.toString()),
    };
    expect(provider.verify(request(headers), settings(), now).secretIndex).toBe(0);
  });

  describe('sign() output checked by the reference libraries', () => {
    beforeEach(() => jest.useFakeTimers({ now }));
    afterEach(() => jest.useRealTimers());

    const signed = () =>
      provider.sign(
        { body, contentType: 'application/json', url: 'http://h/webhooks/sw', secret, now },
        standardWebhooksOptions.parse({}),
      );

    test('standardwebhooks Webhook.verify accepts it', () => {
      const out = signed();
      expect(Object.keys(out.headers).sort()).toEqual([
        'content-type',
        'webhook-id',
        'webhook-signature',
        'webhook-timestamp',
      ]);
      expect(new Webhook(secret).verify(out.body.toString(), out.headers)).toEqual(JSON.parse(body.toString()));
      expect(provider.verify(request(out.headers, out.body), settings(), now).secretIndex).toBe(0);
    });

    test('svix Webhook.verify accepts it', () => {
      const out = signed();
      expect(new SvixWebhook(secret).verify(out.body.toString(), out.headers)).toEqual(JSON.parse(body.toString()));
    });
  });

  test('verify() reports the index of the rotated secret that matched', () => {
    const req = request(sdkSigned(nowSeconds, otherSecret));
    expect(provider.verify(req, settings([secret, otherSecret]), now).secretIndex).toBe(1);
  });

  test('verify() accepts any one valid v1 among several and ignores v1a', () => {
    const several = { ...sdkSigned(), 'webhook-signature': `${v1(otherSecret)} ${v1(secret)}` };
    expect(provider.verify(request(several), settings(), now).secretIndex).toBe(0);
    const withV1a = { ...sdkSigned(), 'webhook-signature': `v1a,${'A'.repeat(86)}== ${v1(secret)}` };
    expect(provider.verify(request(withV1a), settings(), now).secretIndex).toBe(0);
    const onlyV1a = { ...sdkSigned(), 'webhook-signature': `v1a,${v1(secret).slice(3)}` };
    expect(reason(() => provider.verify(request(onlyV1a), settings(), now))).toBe('malformed_signature');
  });

  test('verify() rejects a tampered body, a wrong secret and a changed id', () => {
    expect(reason(() => provider.verify(request(sdkSigned(), Buffer.from(`${body} `)), settings(), now))).toBe(
      'no_matching_signature',
    );
    expect(reason(() => provider.verify(request(sdkSigned(nowSeconds, otherSecret)), settings(), now))).toBe(
      'no_matching_signature',
    );
    const moved = { ...sdkSigned(), 'webhook-id': 'msg_other' };
    expect(reason(() => provider.verify(request(moved), settings(), now))).toBe('no_matching_signature');
  });

  test('verify() accepts timestamps exactly at the tolerance, both directions', () => {
    expect(provider.verify(request(sdkSigned(nowSeconds - 300)), settings(), now).secretIndex).toBe(0);
    expect(provider.verify(request(sdkSigned(nowSeconds + 300)), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects timestamps one second past the tolerance, both directions', () => {
    const at = (ts: number) => () => provider.verify(request(sdkSigned(ts)), settings(), now);
    expect(reason(at(nowSeconds - 301))).toBe('timestamp_too_old');
    expect(reason(at(nowSeconds + 301))).toBe('timestamp_in_future');
  });

  const good = sdkSigned();
  const digest = good['webhook-signature']!.slice(3);
  const without = (name: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== name));
  test.each([
    ['no signature', without('webhook-signature'), 'missing_signature'],
    ['a signature without a version', { ...good, 'webhook-signature': digest }, 'malformed_signature'],
    ['an unknown version', { ...good, 'webhook-signature': `v2,${digest}` }, 'malformed_signature'],
    ['non-base64', { ...good, 'webhook-signature': 'v1,***' }, 'malformed_signature'],
    ['a truncated digest', { ...good, 'webhook-signature': 'v1,AAAA' }, 'malformed_signature'],
    ['no id', without('webhook-id'), 'malformed_signature'],
    ['no timestamp', without('webhook-timestamp'), 'missing_timestamp'],
    ['a non-numeric timestamp', { ...good, 'webhook-timestamp': '2026-11-23T10:00:00Z' }, 'malformed_timestamp'],
  ])('verify() rejects %s', (_name, headers, expected) => {
    expect(reason(() => provider.verify(request(headers as Record<string, string>), settings(), now))).toBe(expected);
  });

  test('verify() reads id and timestamp from the same family as the signature, never mixing names', () => {
    const mixed = { 'webhook-signature': `v1,${digest}`, 'svix-id': id, 'svix-timestamp': String(nowSeconds) };
    expect(reason(() => provider.verify(request(mixed), settings(), now))).toBe('malformed_signature');
  });

  test('identify() reads webhook-id (or svix-id), the body type and the signed timestamp', () => {
    const payload = JSON.parse(body.toString());
    const identity = provider.identify(request(good), payload, settings());
    expect(identity).toEqual({ id, type: 'invoice.paid', occurredAt: now });
    const svix = { 'svix-id': 'msg_svix', 'svix-timestamp': String(nowSeconds), 'svix-signature': 'v1,x' };
    const fromSvix = provider.identify(request(svix), {}, settings());
    expect(fromSvix).toEqual({ id: 'msg_svix', type: 'unknown', occurredAt: now });
  });

  test('identify() throws a 400 when there is no webhook-id', () => {
    expect(() => provider.identify(request({}), { type: 'x' }, settings())).toThrow(
      expect.objectContaining({ status: 400, message: 'missing event ID header webhook-id' }),
    );
  });

  test('sample() follows the spec payload shape and honours eventType', () => {
    expect(JSON.parse(provider.sample(undefined, now).body.toString())).toMatchObject({
      type: 'contact.created',
      timestamp: now.toISOString(),
      data: { email: 'ada@example.com' },
    });
    expect(JSON.parse(provider.sample('invoice.paid', now).body.toString()).type).toBe('invoice.paid');
  });

  test('secretHeaders() lists both signature header names; options are strict', () => {
    expect(provider.secretHeaders(standardWebhooksOptions.parse({}))).toEqual(['webhook-signature', 'svix-signature']);
    expect(standardWebhooksOptions.safeParse({ prefix: 'svix' }).success).toBe(false);
    expect(provider.defaultToleranceSeconds).toBe(300);
  });

  describe('property: header parsing', () => {
    const entry = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom('v1', 'v1a', 'v2', ''), fc.base64String({ maxLength: 60 })).map(([v, b]) => `${v},${b}`),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `v1,${Buffer.from(b).toString('base64')}`),
    );
    const headers = fc.record(
      {
        'webhook-id': fc.oneof(fc.string(), fc.constant(id)),
        'webhook-timestamp': fc.oneof(
          fc.string(),
          fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }).map(String),
        ),
        'webhook-signature': fc.array(entry, { maxLength: 4 }).map((e) => e.join(' ')),
        'svix-signature': fc.string(),
      },
      { requiredKeys: [] },
    );

    test('verify() only ever throws SignatureError and never accepts a signature made without the secret', () => {
      fc.assert(
        fc.property(headers, fc.uint8Array({ maxLength: 64 }), (h, raw) => {
          const req = request(h as Record<string, string>, Buffer.from(raw));
          expect(() => provider.verify(req, settings(), now)).toThrow(SignatureError);
        }),
        { numRuns: 500 },
      );
    });

    test('verify() accepts any body signed by sign() and refuses it under another secret', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), fc.uint8Array({ minLength: 1, maxLength: 40 }), (raw, key) => {
          const other = `whsec_${Buffer.from(key).toString('base64')}`;
          fc.pre(other !== secret);
          const out = provider.sign(
            { body: Buffer.from(raw), contentType: 'application/json', url: 'http://h/', secret, now },
            standardWebhooksOptions.parse({}),
          );
          expect(provider.verify(request(out.headers, out.body), settings(), now).secretIndex).toBe(0);
          expect(reason(() => provider.verify(request(out.headers, out.body), settings([other]), now))).toBe(
            'no_matching_signature',
          );
        }),
        { numRuns: 200 },
      );
    });
  });
});
