import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import fc from 'fast-check';
import { SignatureError } from '../../../src/errors/http-errors';
import { shopifyOptions, shopifyProvider } from '../../../src/providers/shopify';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

// Under our `moduleResolution: node` these subpaths resolve to the .ts sources the package ships,
// which do not typecheck under our settings; require() keeps tsc on the root's .d.ts only.
require('@shopify/shopify-api/adapters/node');
const { getHmac } = require('@shopify/shopify-api/test-helpers') as { getHmac(body: string, key: string): string };

const now = new Date('2026-11-23T10:00:00Z');
const secret = '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';
const body = Buffer.from('{"id":820982911946154508,"email":"jon@example.com","total_price":"199.00"}');

const shopify = shopifyApi({
  apiKey: 'hookflow-test',
  apiSecretKey: secret,
  hostName: 'localhost',
  apiVersion: ApiVersion.October25,
  isEmbeddedApp: false,
  logger: { level: LogSeverity.Error },
});

/** The library's own webhook check: `webhooks.validate({ rawBody, rawRequest })`. */
async function shopifyValidates(headers: Record<string, string>, raw: Buffer) {
  const rawRequest = { headers, method: 'POST', url: '/webhooks' };
  return shopify.webhooks.validate({ rawBody: raw.toString(), rawRequest });
}

function settings(secrets = [secret]) {
  return { secrets, toleranceSeconds: 300, options: shopifyOptions.parse({}) };
}

function request(headers: Record<string, string>, raw: Buffer = body): WebhookRequest {
  return { rawBody: raw, headers, url: 'http://localhost/webhooks/shopify', contentType: 'application/json' };
}

describe('shopify provider', () => {
  test('verify() accepts an HMAC from @shopify/shopify-api test-helpers getHmac', () => {
    const req = request({ 'x-shopify-hmac-sha256': getHmac(body.toString(), secret) });
    expect(shopifyProvider.verify(req, settings(), now)).toEqual({ secretIndex: 0 });
  });

  test('sign() produces a request that shopify.webhooks.validate accepts', async () => {
    const input = { body, contentType: 'application/json', url: 'http://h/', secret, now, eventType: 'orders/paid' };
    const signed = shopifyProvider.sign(input, shopifyOptions.parse({}));
    await expect(shopifyValidates(signed.headers, signed.body)).resolves.toMatchObject({
      valid: true,
      topic: 'ORDERS_PAID',
      eventId: signed.headers['x-shopify-event-id'],
    });
    expect(shopifyProvider.verify(request(signed.headers, signed.body), settings(), now).secretIndex).toBe(0);
    expect(shopifyProvider.identify(request(signed.headers), {}, settings())).toEqual({
      id: signed.headers['x-shopify-event-id'],
      type: 'orders/paid',
      occurredAt: now,
    });
  });

  test('verify() and identify() read the header names without the X- prefix (Shopify Events)', async () => {
    const headers = {
      'shopify-hmac-sha256': getHmac(body.toString(), secret),
      'shopify-topic': 'orders/create',
      'shopify-shop-domain': 'hookflow-dev.myshopify.com',
      'shopify-api-version': '2025-10',
      'shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
      'shopify-triggered-at': '2026-11-23T09:59:58.877041743Z',
    };
    await expect(shopifyValidates(headers, body)).resolves.toMatchObject({ valid: true, webhookType: 'events' });
    expect(shopifyProvider.verify(request(headers), settings(), now).secretIndex).toBe(0);
    expect(shopifyProvider.identify(request(headers), {}, settings())).toEqual({
      id: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      type: 'orders/create',
      occurredAt: new Date('2026-11-23T09:59:58.877Z'),
    });
  });

  test('verify() reports the index of the rotated secret that matched', () => {
    const req = request({ 'x-shopify-hmac-sha256': getHmac(body.toString(), 'new') });
    expect(shopifyProvider.verify(req, settings(['old', 'new']), now)).toEqual({ secretIndex: 1 });
  });

  test('verify() accepts any one valid HMAC among several (joined header, or both spellings)', () => {
    const joined = `${getHmac(body.toString(), 'other')}, ${getHmac(body.toString(), secret)}`;
    expect(shopifyProvider.verify(request({ 'x-shopify-hmac-sha256': joined }), settings(), now).secretIndex).toBe(0);
    const both = {
      'x-shopify-hmac-sha256': getHmac(body.toString(), 'other'),
      'shopify-hmac-sha256': getHmac(body.toString(), secret),
    };
    expect(shopifyProvider.verify(request(both), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects a tampered body and a wrong secret with no_matching_signature', () => {
    const good = { 'x-shopify-hmac-sha256': getHmac(body.toString(), secret) };
    expect(reason(() => shopifyProvider.verify(request(good, Buffer.from(`${body} `)), settings(), now))).toBe(
      'no_matching_signature',
    );
    const wrong = { 'x-shopify-hmac-sha256': getHmac(body.toString(), 'wrong') };
    expect(reason(() => shopifyProvider.verify(request(wrong), settings(), now))).toBe('no_matching_signature');
  });

  test.each([
    ['no header', {}, 'missing_signature'],
    ['an empty header', { 'x-shopify-hmac-sha256': '' }, 'missing_signature'],
    ['a hex digest', { 'x-shopify-hmac-sha256': 'ab'.repeat(32) }, 'malformed_signature'],
    ['not base64', { 'x-shopify-hmac-sha256': '!!!' }, 'malformed_signature'],
    ['a truncated digest', { 'x-shopify-hmac-sha256': getHmac('x', secret).slice(0, 20) }, 'malformed_signature'],
  ])('verify() rejects %s', (_name, headers, expected) => {
    expect(reason(() => shopifyProvider.verify(request(headers as Record<string, string>), settings(), now))).toBe(
      expected,
    );
  });

  test('identify() falls back to X-Shopify-Webhook-Id when there is no event ID', () => {
    const headers = { 'x-shopify-webhook-id': 'b54557e4', 'x-shopify-topic': 'products/update' };
    expect(shopifyProvider.identify(request(headers), {}, settings())).toEqual({
      id: 'b54557e4',
      type: 'products/update',
      occurredAt: undefined,
    });
  });

  test('identify() throws a 400 when neither ID header is present', () => {
    expect(() => shopifyProvider.identify(request({ 'x-shopify-topic': 'orders/create' }), {}, settings())).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  test('sample() is an orders/create order by default and honours eventType', () => {
    const order = JSON.parse(shopifyProvider.sample(undefined, now).body.toString());
    expect(order).toMatchObject({ currency: 'USD', created_at: now.toISOString() });
    expect(order.admin_graphql_api_id).toBe(`gid://shopify/Order/${order.id}`);
    const product = JSON.parse(shopifyProvider.sample('products/create', now).body.toString());
    expect(product.admin_graphql_api_id).toMatch(/^gid:\/\/shopify\/Product\/\d+$/);
  });

  test('secretHeaders() lists both spellings of the HMAC header; options are strict', () => {
    expect(shopifyProvider.secretHeaders(shopifyOptions.parse({}))).toEqual([
      'x-shopify-hmac-sha256',
      'shopify-hmac-sha256',
    ]);
    expect(shopifyOptions.safeParse({ apiVersion: '2025-10' }).success).toBe(false);
  });

  describe('property: header parsing', () => {
    const value = fc.oneof(
      fc.string(),
      fc.base64String({ maxLength: 60 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')),
    );
    const headers = fc.record({ 'x-shopify-hmac-sha256': value, 'shopify-hmac-sha256': value }, { requiredKeys: [] });

    test('verify() only ever throws SignatureError and never accepts an HMAC made without the secret', () => {
      fc.assert(
        fc.property(headers, fc.uint8Array({ maxLength: 64 }), (h, raw) => {
          const req = request(h as Record<string, string>, Buffer.from(raw));
          expect(() => shopifyProvider.verify(req, settings(), now)).toThrow(SignatureError);
        }),
        { numRuns: 500 },
      );
    });

    test('verify() accepts any body signed by sign() and refuses it under another secret', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), fc.string({ minLength: 1 }), (raw, other) => {
          fc.pre(other !== secret);
          const out = shopifyProvider.sign(
            { body: Buffer.from(raw), contentType: 'application/json', url: 'http://h/', secret, now },
            shopifyOptions.parse({}),
          );
          expect(shopifyProvider.verify(request(out.headers, out.body), settings(), now).secretIndex).toBe(0);
          expect(reason(() => shopifyProvider.verify(request(out.headers, out.body), settings([other]), now))).toBe(
            'no_matching_signature',
          );
        }),
        { numRuns: 200 },
      );
    });
  });
});
