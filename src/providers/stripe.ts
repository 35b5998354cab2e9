import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError } from '../errors/http-errors';
import { hmac, verifyTimestampedHmacHeader } from './crypto';
import { JSON_TYPE, readPath, readString } from './payload';
import type { Provider } from './types';

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>]`, HMAC-SHA256 of `<t>.<raw body>`.
 * https://docs.stripe.com/webhooks#verify-manually
 */
export const stripeOptions = z.object({}).strict();
export type StripeOptions = z.infer<typeof stripeOptions>;

const SIGNATURE_HEADER = 'stripe-signature';

/** A repeated header arrives joined with ", ", which splits the same way. */
const SCHEME = { separator: /,/, timestampKey: 't', signatureKey: 'v1', digestBytes: 32 };

function signedContent(timestamp: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`), body]);
}

/** `created` is unix seconds on snapshot events and an ISO string on v2 thin events. */
function createdAt(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

function sampleObject(type: string, created: number): Record<string, unknown> {
  const objectName = type.split('.')[0] ?? 'object';
  if (objectName === 'payment_intent') {
    return {
      id: stripeId('pi'),
      object: 'payment_intent',
      amount: 2000,
      amount_received: 2000,
      currency: 'usd',
      customer: stripeId('cus'),
      latest_charge: stripeId('ch'),
      livemode: false,
      metadata: { order_id: '6735' },
      payment_method: stripeId('pm'),
      payment_method_types: ['card'],
      status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
      created,
    };
  }
  return { id: stripeId(objectName.slice(0, 3)), object: objectName, livemode: false, created };
}

export const stripeProvider: Provider<StripeOptions> = {
  name: 'stripe',
  options: stripeOptions,
  defaultToleranceSeconds: 300,
  secretHeaders: () => [SIGNATURE_HEADER],

  verify(req, source, now) {
    // The key is the whole `whsec_...` string as UTF-8, not its decoded base64.
    return verifyTimestampedHmacHeader(
      req.headers[SIGNATURE_HEADER],
      { ...SCHEME, name: SIGNATURE_HEADER },
      (timestamp) => signedContent(timestamp, req.rawBody),
      source,
      now,
    );
  },

  identify(_req, payload) {
    const id = readString(payload, 'id');
    if (!id) throw new BadRequestError('missing event ID field id in the body');
    return { id, type: readString(payload, 'type') ?? 'unknown', occurredAt: createdAt(readPath(payload, 'created')) };
  },

  sign({ body, contentType, url, secret, now }) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const signature = hmac('sha256', secret, signedContent(timestamp, body)).toString('hex');
    return {
      headers: { 'content-type': contentType, [SIGNATURE_HEADER]: `t=${timestamp},v1=${signature}` },
      body,
      url,
      contentType,
    };
  },

  sample(eventType, now) {
    const type = eventType ?? 'payment_intent.succeeded';
    const created = Math.floor(now.getTime() / 1000);
    const event = {
      id: stripeId('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created,
      data: { object: sampleObject(type, created) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: stripeId('req'), idempotency_key: randomBytes(16).toString('hex') },
      type,
    };
    return { body: Buffer.from(JSON.stringify(event)), contentType: JSON_TYPE };
  },
};
