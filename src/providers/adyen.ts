import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SignatureError } from '../errors/http-errors';
import { decodeDigest, hmac, safeEqual } from './crypto';
import { JSON_TYPE, parseBody, readPath, readString } from './payload';
import type { Provider } from './types';

/**
 * Adyen standard notifications: the HMAC is inside the body, one per NotificationRequestItem,
 * base64 HMAC-SHA256 over `pspReference:originalReference:merchantAccountCode:merchantReference:
 * value:currency:eventCode:success`, keyed with the hex-decoded HMAC key. Every item must
 * verify. Adyen expects the answer `[accepted]`.
 * https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures
 */
export const adyenOptions = z.object({}).strict();
export type AdyenOptions = z.infer<typeof adyenOptions>;

const FIELDS = ['pspReference', 'originalReference', 'merchantAccountCode', 'merchantReference', 'amount.value', 'amount.currency', 'eventCode', 'success'];

/** The signed string of one item; absent fields sign as empty, as Adyen's libraries do. */
export function adyenSignedContent(item: unknown): string {
  return FIELDS.map((path) => {
    const value = readPath(item, path);
    return value === undefined || value === null ? '' : String(value);
  }).join(':');
}

function items(payload: unknown): unknown[] {
  const list = readPath(payload, 'notificationItems');
  return Array.isArray(list) ? list.map((entry) => readPath(entry, 'NotificationRequestItem')) : [];
}

const key = (secret: string) => Buffer.from(secret, 'hex');

export const adyenProvider: Provider<AdyenOptions> = {
  name: 'adyen',
  options: adyenOptions,
  checkSecret: (secret) => (/^(?:[0-9a-fA-F]{2}){16,}$/.test(secret) ? undefined : 'not a hex HMAC key (Adyen shows 64 hex characters)'),
  secretHeaders: () => [],

  verify(req, { secrets }) {
    let payload: unknown;
    try {
      payload = parseBody(req.contentType, req.rawBody);
    } catch {
      throw new SignatureError('malformed_signature', 'the body is not an Adyen notification (JSON with notificationItems)');
    }
    const list = items(payload);
    if (list.length === 0) throw new SignatureError('missing_signature', 'no NotificationRequestItem to check');
    // The secret that verifies every item; every (secret, item) pair is compared.
    const verified = secrets.map((secret) =>
      list.every((item) => {
        const signature = readString(item, 'additionalData.hmacSignature');
        const digest = signature === undefined ? undefined : decodeDigest(signature, 'base64');
        return digest !== undefined && safeEqual(hmac('sha256', key(secret), adyenSignedContent(item)), digest);
      }),
    );
    if (list.some((item) => readString(item, 'additionalData.hmacSignature') === undefined)) {
      throw new SignatureError('missing_signature', 'a NotificationRequestItem has no additionalData.hmacSignature');
    }
    const secretIndex = verified.indexOf(true);
    if (secretIndex === -1) throw new SignatureError('no_matching_signature', 'hmacSignature does not match any configured HMAC key');
    return { secretIndex };
  },

  identify(_req, payload) {
    const [first] = items(payload);
    const psp = readString(first, 'pspReference') ?? 'unknown';
    const eventCode = readString(first, 'eventCode') ?? 'unknown';
    // A pspReference has several events (AUTHORISATION, CAPTURE, ...), and a failed one may succeed later.
    const eventDate = readString(first, 'eventDate');
    return {
      id: `${psp}:${eventCode}:${readString(first, 'success') ?? ''}`,
      type: eventCode,
      ...(eventDate ? { occurredAt: new Date(eventDate) } : {}),
    };
  },

  answer: () => ({ status: 200, body: '[accepted]', contentType: 'text/plain' }),

  sign({ body, contentType, url, secret }) {
    const payload = JSON.parse(body.toString('utf8')) as { notificationItems: { NotificationRequestItem: Record<string, any> }[] };
    for (const entry of payload.notificationItems) {
      const item = entry.NotificationRequestItem;
      item.additionalData = { ...item.additionalData, hmacSignature: hmac('sha256', key(secret), adyenSignedContent(item)).toString('base64') };
    }
    return { headers: { 'content-type': contentType }, body: Buffer.from(JSON.stringify(payload)), url, contentType };
  },

  sample(eventType, now) {
    const item = {
      additionalData: {},
      amount: { currency: 'EUR', value: 4200 },
      eventCode: eventType ?? 'AUTHORISATION',
      eventDate: now.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      merchantAccountCode: 'HookflowECOM',
      merchantReference: `order-${randomBytes(4).toString('hex')}`,
      originalReference: '',
      paymentMethod: 'visa',
      pspReference: randomBytes(8).toString('hex').toUpperCase(),
      reason: '123456:1111:03/2030',
      success: 'true',
    };
    return { body: Buffer.from(JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: item }] })), contentType: JSON_TYPE };
  },
};
