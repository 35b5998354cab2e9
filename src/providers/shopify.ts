import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError, SignatureError } from '../errors/http-errors';
import { decodeDigest, hmac, matchAnySecret } from './crypto';
import { JSON_TYPE } from './payload';
import type { Provider, WebhookRequest } from './types';

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(client secret, raw body)>`. No timestamp.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https ("Validate the origin of your webhook")
 */
export const shopifyOptions = z.object({}).strict();
export type ShopifyOptions = z.infer<typeof shopifyOptions>;

const HMAC_HEADER = 'hmac-sha256';
const DEFAULT_TOPIC = 'orders/create';
const API_VERSION = '2025-10';
const SHOP_DOMAIN = 'hookflow-dev.myshopify.com';

/** Newer (Events) deliveries drop the `X-` prefix from every header, so read both spellings. */
function shopifyHeader(req: WebhookRequest, name: string): string | undefined {
  return req.headers[`x-shopify-${name}`]?.trim() || req.headers[`shopify-${name}`]?.trim() || undefined;
}

function triggeredAt(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function sampleResource(topic: string, now: Date): Record<string, unknown> {
  const id = randomInt(1, 2 ** 47);
  const resource = topic.split('/')[0] ?? 'orders';
  const common = { id, created_at: now.toISOString(), updated_at: now.toISOString() };
  if (resource === 'orders') {
    return {
      ...common,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#${1000 + (id % 9000)}`,
      email: 'jon@example.com',
      currency: 'USD',
      financial_status: topic === 'orders/paid' ? 'paid' : 'pending',
      fulfillment_status: null,
      subtotal_price: '199.00',
      total_tax: '0.00',
      total_price: '199.00',
      line_items: [
        { id: randomInt(1, 2 ** 47), title: 'IPod Nano - 8GB', quantity: 1, price: '199.00', sku: 'IPOD2008PINK' },
      ],
      customer: { id: randomInt(1, 2 ** 47), email: 'jon@example.com', first_name: 'Jon', last_name: 'Doe' },
    };
  }
  if (resource === 'products') {
    return {
      ...common,
      admin_graphql_api_id: `gid://shopify/Product/${id}`,
      title: 'IPod Nano - 8GB',
      handle: 'ipod-nano',
      vendor: 'Apple',
      product_type: 'Cult Products',
      status: 'active',
    };
  }
  return common;
}

export const shopifyProvider: Provider<ShopifyOptions> = {
  name: 'shopify',
  options: shopifyOptions,
  secretHeaders: () => [`x-shopify-${HMAC_HEADER}`, `shopify-${HMAC_HEADER}`],

  verify(req, { secrets }) {
    const sent = [req.headers[`x-shopify-${HMAC_HEADER}`], req.headers[`shopify-${HMAC_HEADER}`]].filter(
      (h): h is string => !!h,
    );
    if (sent.length === 0) throw new SignatureError('missing_signature', `missing x-shopify-${HMAC_HEADER} header`);
    // Base64 holds no commas or spaces, so a proxy-joined repeated header still splits cleanly.
    const candidates = sent
      .flatMap((h) => h.split(/[\s,]+/))
      .map((s) => decodeDigest(s, 'base64'))
      .filter((b): b is Buffer => b?.length === 32);
    if (candidates.length === 0) {
      throw new SignatureError('malformed_signature', `x-shopify-${HMAC_HEADER} holds no base64 HMAC-SHA256`);
    }
    // During a secret rotation Shopify may sign with the old secret for up to an hour: list both.
    const secretIndex = matchAnySecret(secrets, candidates, (secret) => hmac('sha256', secret, req.rawBody));
    return { secretIndex };
  },

  identify(req) {
    // Shopify's duplicate guidance keys on the event ID; the webhook ID differs per subscription.
    const id = shopifyHeader(req, 'event-id') ?? shopifyHeader(req, 'webhook-id');
    if (!id) throw new BadRequestError('missing event ID header x-shopify-event-id (or x-shopify-webhook-id)');
    return {
      id,
      type: shopifyHeader(req, 'topic') ?? 'unknown',
      occurredAt: triggeredAt(shopifyHeader(req, 'triggered-at')),
    };
  },

  sign({ body, contentType, url, secret, now, eventType }) {
    return {
      headers: {
        'content-type': contentType,
        'x-shopify-topic': eventType ?? DEFAULT_TOPIC,
        [`x-shopify-${HMAC_HEADER}`]: hmac('sha256', secret, body).toString('base64'),
        'x-shopify-shop-domain': SHOP_DOMAIN,
        'x-shopify-api-version': API_VERSION,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': now.toISOString(),
      },
      body,
      url,
      contentType,
    };
  },

  sample(eventType, now) {
    const body = sampleResource(eventType ?? DEFAULT_TOPIC, now);
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
