import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError } from '../errors/http-errors';
import { hmac, verifyTimestampedHmacHeader } from './crypto';
import { JSON_TYPE, readString } from './payload';
import type { Provider } from './types';

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>]`, HMAC-SHA256 of `<ts>:<raw body>`.
 * https://developer.paddle.com/webhooks/signature-verification
 */
export const paddleOptions = z.object({}).strict();
export type PaddleOptions = z.infer<typeof paddleOptions>;

const SIGNATURE_HEADER = 'paddle-signature';
const DEFAULT_EVENT = 'transaction.completed';

/** Commas too: a proxy joins a repeated header with ", ". */
const SCHEME = { separator: /[;,]/, timestampKey: 'ts', signatureKey: 'h1', digestBytes: 32 };

function signedContent(timestamp: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}:`), body]);
}

function isoDate(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Paddle IDs are a prefix and 26 lower-case Crockford base32 characters (a ULID). */
function paddleId(prefix: string): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let id = '01';
  while (id.length < 26) id += alphabet[randomInt(alphabet.length)];
  return `${prefix}_${id}`;
}

export const paddleProvider: Provider<PaddleOptions> = {
  name: 'paddle',
  options: paddleOptions,
  // The SDK allows only 5 s; 300 s leaves room for clock skew and queueing. Sources can narrow it.
  defaultToleranceSeconds: 300,
  secretHeaders: () => [SIGNATURE_HEADER],

  verify(req, source, now) {
    // Each h1 is checked: during a secret rotation Paddle signs with both secrets.
    return verifyTimestampedHmacHeader(
      req.headers[SIGNATURE_HEADER],
      { ...SCHEME, name: SIGNATURE_HEADER },
      (timestamp) => signedContent(timestamp, req.rawBody),
      source,
      now,
    );
  },

  identify(_req, payload) {
    const id = readString(payload, 'event_id');
    if (!id) throw new BadRequestError('missing event ID field event_id in the body');
    return {
      id,
      type: readString(payload, 'event_type') ?? 'unknown',
      occurredAt: isoDate(readString(payload, 'occurred_at')),
    };
  },

  sign({ body, contentType, url, secret, now }) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const signature = hmac('sha256', secret, signedContent(timestamp, body)).toString('hex');
    return {
      headers: { 'content-type': contentType, [SIGNATURE_HEADER]: `ts=${timestamp};h1=${signature}` },
      body,
      url,
      contentType,
    };
  },

  sample(eventType, now) {
    const type = eventType ?? DEFAULT_EVENT;
    const at = now.toISOString();
    const body = {
      event_id: paddleId('evt'),
      event_type: type,
      occurred_at: at,
      notification_id: paddleId('ntf'),
      data: {
        id: paddleId(type.startsWith('subscription.') ? 'sub' : 'txn'),
        status: type.split('.')[1] ?? 'completed',
        customer_id: paddleId('ctm'),
        currency_code: 'USD',
        origin: 'web',
        items: [{ price: { id: paddleId('pri'), unit_price: { amount: '2400', currency_code: 'USD' } }, quantity: 1 }],
        details: { totals: { subtotal: '2400', tax: '0', total: '2400', currency_code: 'USD' } },
        created_at: at,
        updated_at: at,
      },
    };
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
