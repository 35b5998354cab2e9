import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError } from '../errors/http-errors';
import { digestHeader, hmac, matchAnySecret } from './crypto';
import { JSON_TYPE, readString } from './payload';
import type { Provider } from './types';

/**
 * Square: `x-square-hmacsha256-signature` is base64 HMAC-SHA256, keyed with the subscription's
 * signature key, over the notification URL followed by the raw body. No timestamp.
 * https://developer.squareup.com/docs/webhooks/step3validate
 */
export const squareOptions = z
  .object({
    /**
     * The notification URL exactly as registered with Square. Square signs that string, so a
     * receiver behind a proxy, or one whose URL differs in any character, must set it.
     */
    notificationUrl: z
      .string()
      .refine((u) => /^https?:\/\/[^/?#]+/i.test(u), 'must be an absolute http(s) URL')
      .optional(),
  })
  .strict();

export type SquareOptions = z.infer<typeof squareOptions>;

const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
/** The legacy HMAC-SHA1 header, still a signature and so never logged. */
const LEGACY_SIGNATURE_HEADER = 'x-square-signature';

function signedContent(url: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(url, 'utf8'), body]);
}

export const squareProvider: Provider<SquareOptions> = {
  name: 'square',
  options: squareOptions,
  secretHeaders: () => [SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER],

  verify(req, { secrets, options: o }) {
    const signature = digestHeader(req.headers, SIGNATURE_HEADER, 'base64');
    const content = signedContent(o.notificationUrl ?? req.url, req.rawBody);
    return { secretIndex: matchAnySecret(secrets, [signature], (secret) => hmac('sha256', secret, content)) };
  },

  identify(_req, payload) {
    const id = readString(payload, 'event_id');
    if (!id) throw new BadRequestError('missing event ID field event_id in the body');
    const createdAt = readString(payload, 'created_at');
    const parsed = createdAt ? Date.parse(createdAt) : Number.NaN;
    return {
      id,
      type: readString(payload, 'type') ?? 'unknown',
      occurredAt: Number.isNaN(parsed) ? undefined : new Date(parsed),
    };
  },

  sign({ body, contentType, url, secret }, o) {
    const signature = hmac('sha256', secret, signedContent(o.notificationUrl ?? url, body)).toString('base64');
    return { headers: { 'content-type': contentType, [SIGNATURE_HEADER]: signature }, body, url, contentType };
  },

  sample(eventType, now) {
    const paymentId = randomUUID().replace(/-/g, '').slice(0, 22).toUpperCase();
    const at = now.toISOString();
    const body = {
      merchant_id: '6SSW7HV8K2ST5',
      type: eventType ?? 'payment.updated',
      event_id: randomUUID(),
      created_at: at,
      data: {
        type: 'payment',
        id: paymentId,
        object: {
          payment: {
            id: paymentId,
            amount_money: { amount: 1000, currency: 'USD' },
            total_money: { amount: 1000, currency: 'USD' },
            status: 'COMPLETED',
            source_type: 'CARD',
            location_id: 'L88917AVBK2S5',
            order_id: randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase(),
            created_at: at,
            updated_at: at,
            version: 2,
          },
        },
      },
    };
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
