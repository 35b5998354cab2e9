import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { SignatureError } from '../../../src/errors/http-errors';
import { stripeOptions, stripeProvider } from '../../../src/providers/stripe';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const stripe = new Stripe('sk_test_x');
const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const secret = 'whsec_test_5ifMzwU2ZpTqd2GeBuo6mmP8aZW0kVqZ';
const body = Buffer.from('{"id":"evt_1","object":"event","type":"payment_intent.succeeded","created":1795428000}');

function settings(secrets = [secret], toleranceSeconds = 300) {
  return { secrets, toleranceSeconds, options: stripeOptions.parse({}) };
}

function request(signature: string | undefined, raw: Buffer = body): WebhookRequest {
  const headers: Record<string, string> = signature === undefined ? {} : { 'stripe-signature': signature };
  return { rawBody: raw, headers, url: 'http://localhost/webhooks/stripe', contentType: 'application/json' };
}

/** The SDK's own test header: the reference for what Stripe sends. */
function sdkHeader(timestamp = nowSeconds, key = secret, payload = body): string {
  return stripe.webhooks.generateTestHeaderString({ payload: payload.toString(), secret: key, timestamp });
}

function v1(timestamp: number, key = secret, payload = body): string {
  return createHmac('sha256', key).update(`${timestamp}.${payload}`).digest('hex');
}

describe('stripe provider', () => {
  test('verify() accepts a header from stripe.webhooks.generateTestHeaderString', () => {
    expect(stripeProvider.verify(request(sdkHeader()), settings(), now)).toEqual({
      secretIndex: 0,
      signedAt: new Date(nowSeconds * 1000),
    });
  });

  test('sign() produces a header that stripe.webhooks.constructEvent accepts', () => {
    const signed = stripeProvider.sign(
      { body, contentType: 'application/json', url: 'http://h/webhooks/stripe', secret, now },
      stripeOptions.parse({}),
    );
    expect(Object.keys(signed.headers).sort()).toEqual(['content-type', 'stripe-signature']);
    const header = signed.headers['stripe-signature'];
    const event = stripe.webhooks.constructEvent(signed.body, header, secret, 300, undefined, now.getTime());
    expect(event.id).toBe('evt_1');
    expect(stripeProvider.verify(request(header, signed.body), settings(), now).secretIndex).toBe(0);
  });

  test('verify() keys the HMAC with the whole whsec_ string, not its base64 decoding', () => {
    const decodedKey = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const wrong = createHmac('sha256', decodedKey).update(`${nowSeconds}.${body}`).digest('hex');
    expect(reason(() => stripeProvider.verify(request(`t=${nowSeconds},v1=${wrong}`), settings(), now))).toBe(
      'no_matching_signature',
    );
  });

  test('verify() reports the index of the rotated secret that matched', () => {
    const s = settings(['whsec_old', secret]);
    expect(stripeProvider.verify(request(sdkHeader()), s, now).secretIndex).toBe(1);
  });

  test('verify() accepts any one valid v1 among several (secret roll)', () => {
    const header = `t=${nowSeconds},v1=${v1(nowSeconds, 'whsec_other')},v1=${v1(nowSeconds)}`;
    expect(stripeProvider.verify(request(header), settings(), now).secretIndex).toBe(0);
    const rolled = `t=${nowSeconds},v1=${v1(nowSeconds, 'whsec_new')},v1=${v1(nowSeconds, 'whsec_old')}`;
    expect(stripeProvider.verify(request(rolled), settings(['whsec_x', 'whsec_old']), now).secretIndex).toBe(1);
  });

  test('verify() ignores v0 signatures', () => {
    const header = `t=${nowSeconds},v0=${v1(nowSeconds)}`;
    expect(reason(() => stripeProvider.verify(request(header), settings(), now))).toBe('malformed_signature');
    const withV1 = `t=${nowSeconds},v0=${'0'.repeat(64)},v1=${v1(nowSeconds)}`;
    expect(stripeProvider.verify(request(withV1), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects a tampered body and a wrong secret with no_matching_signature', () => {
    expect(reason(() => stripeProvider.verify(request(sdkHeader(), Buffer.from(`${body} `)), settings(), now))).toBe(
      'no_matching_signature',
    );
    expect(reason(() => stripeProvider.verify(request(sdkHeader(nowSeconds, 'whsec_wrong')), settings(), now))).toBe(
      'no_matching_signature',
    );
  });

  test('verify() accepts timestamps exactly at the tolerance, both directions', () => {
    expect(stripeProvider.verify(request(sdkHeader(nowSeconds - 300)), settings(), now).secretIndex).toBe(0);
    expect(stripeProvider.verify(request(sdkHeader(nowSeconds + 300)), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects timestamps one second past the tolerance, both directions', () => {
    expect(reason(() => stripeProvider.verify(request(sdkHeader(nowSeconds - 301)), settings(), now))).toBe(
      'timestamp_too_old',
    );
    expect(reason(() => stripeProvider.verify(request(sdkHeader(nowSeconds + 301)), settings(), now))).toBe(
      'timestamp_in_future',
    );
  });

  test('verify() uses the source tolerance rather than the default', () => {
    expect(reason(() => stripeProvider.verify(request(sdkHeader(nowSeconds - 11)), settings([secret], 10), now))).toBe(
      'timestamp_too_old',
    );
  });

  test.each([
    ['no header', undefined, 'missing_signature'],
    ['an empty header', '', 'missing_signature'],
    ['garbage', 'garbage', 'malformed_signature'],
    ['a timestamp only', `t=${nowSeconds}`, 'malformed_signature'],
    ['a non-hex v1', `t=${nowSeconds},v1=zz`, 'malformed_signature'],
    ['a v1 of the wrong length', `t=${nowSeconds},v1=abcd`, 'malformed_signature'],
    ['no timestamp', `v1=${'a'.repeat(64)}`, 'missing_timestamp'],
    ['a non-numeric timestamp', `t=12e3,v1=${'a'.repeat(64)}`, 'malformed_timestamp'],
    ['two different timestamps', `t=${nowSeconds},t=${nowSeconds + 1},v1=${'a'.repeat(64)}`, 'malformed_timestamp'],
  ])('verify() rejects %s', (_name, header, expected) => {
    expect(reason(() => stripeProvider.verify(request(header), settings(), now))).toBe(expected);
  });

  test('verify() tolerates whitespace after the commas of a joined header', () => {
    const header = `t=${nowSeconds}, v1=${v1(nowSeconds)}`;
    expect(stripeProvider.verify(request(header), settings(), now).secretIndex).toBe(0);
  });

  test('identify() reads id, type and created (unix seconds) from the body', () => {
    expect(stripeProvider.identify(request(undefined), JSON.parse(body.toString()), settings())).toEqual({
      id: 'evt_1',
      type: 'payment_intent.succeeded',
      occurredAt: new Date(1795428000 * 1000),
    });
  });

  test('identify() reads an ISO created from a v2 thin event', () => {
    const created = '2026-11-23T09:59:58.123Z';
    const thin = { id: 'evt_test_65R', type: 'v1.billing.meter.error_report_triggered', created };
    expect(stripeProvider.identify(request(undefined), thin, settings()).occurredAt).toEqual(new Date(created));
  });

  test('identify() throws a 400 when the body has no id', () => {
    expect(() => stripeProvider.identify(request(undefined), { type: 'x' }, settings())).toThrow(
      expect.objectContaining({ status: 400, message: 'missing event ID field id in the body' }),
    );
  });

  test('sample() is a payment_intent.succeeded event by default and honours eventType', () => {
    const sample = stripeProvider.sample(undefined, now);
    expect(sample.contentType).toBe('application/json');
    const event = JSON.parse(sample.body.toString());
    expect(event).toMatchObject({ object: 'event', type: 'payment_intent.succeeded', created: nowSeconds });
    expect(event.id).toMatch(/^evt_[A-Za-z0-9]+$/);
    expect(event.data.object).toMatchObject({ object: 'payment_intent', status: 'succeeded' });
    const custom = JSON.parse(stripeProvider.sample('customer.created', now).body.toString());
    expect(stripeProvider.identify(request(undefined), custom, settings())).toMatchObject({ type: 'customer.created' });
    expect(custom.data.object.object).toBe('customer');
  });

  test('secretHeaders() lists stripe-signature; options reject unknown fields', () => {
    expect(stripeProvider.secretHeaders(stripeOptions.parse({}))).toEqual(['stripe-signature']);
    expect(stripeOptions.safeParse({ tolerance: 5 }).success).toBe(false);
    expect(stripeProvider.defaultToleranceSeconds).toBe(300);
  });

  describe('property: header parsing', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{0,70}$/);
    const item = fc.oneof(
      fc.tuple(
        fc.constantFrom('t', 'v1', 'v0', 'x', ''),
        fc.oneof(hex, fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }).map(String), fc.string()),
      ).map(([k, v]) => `${k}=${v}`),
      fc.string(),
    );
    const header = fc.oneof(fc.string(), fc.array(item, { maxLength: 6 }).map((items) => items.join(',')));

    test('verify() only ever throws SignatureError and never accepts a header made without the secret', () => {
      fc.assert(
        fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, raw) => {
          expect(() => stripeProvider.verify(request(h, Buffer.from(raw)), settings(), now)).toThrow(SignatureError);
        }),
        { numRuns: 500 },
      );
    });

    test('verify() accepts any body signed by sign() and refuses it under another secret', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), fc.string({ minLength: 1 }), (raw, other) => {
          fc.pre(other !== secret);
          const signed = stripeProvider.sign(
            { body: Buffer.from(raw), contentType: 'application/json', url: 'http://h/', secret, now },
            stripeOptions.parse({}),
          );
          const req = request(signed.headers['stripe-signature'], signed.body);
          expect(stripeProvider.verify(req, settings(), now).secretIndex).toBe(0);
          expect(reason(() => stripeProvider.verify(req, settings([other]), now))).toBe('no_matching_signature');
        }),
        { numRuns: 200 },
      );
    });
  });
});
