import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SignatureError } from '../errors/http-errors';
import { checkTimestamp, digestHeader, hmac, matchAnySecret, parseUnixTimestamp, sha256Hex } from './crypto';
import { JSON_TYPE, parsePayload, readPath, readString } from './payload';
import type { Provider, WebhookRequest } from './types';

/**
 * Linear: `Linear-Signature` is hex HMAC-SHA256 of the raw body; the replay window uses the
 * body's `webhookTimestamp` (ms).
 * https://linear.app/developers/webhooks#securing-webhooks
 */
export const linearOptions = z.object({}).strict();

export type LinearOptions = z.infer<typeof linearOptions>;

const SIGNATURE_HEADER = 'linear-signature';
const TIMESTAMP_HEADER = 'linear-timestamp';
const DELIVERY_HEADER = 'linear-delivery';
const EVENT_HEADER = 'linear-event';

/**
 * The signed timestamp. The `Linear-Timestamp` header is not covered by the signature, so a
 * replayed body could carry any header value: only the body's `webhookTimestamp` is trusted,
 * as Linear's own SDK does. Read after the signature matched, so the body is Linear's: one that
 * is not JSON (or nested too deep) is a bad body, answered 400 as for every other provider.
 */
function signedTimestamp(req: WebhookRequest): Date {
  const body = parsePayload({ ...req, contentType: JSON_TYPE });
  const value = readPath(body, 'webhookTimestamp');
  if (value === undefined || value === null) {
    throw new SignatureError('missing_timestamp', 'the body has no webhookTimestamp');
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SignatureError('malformed_timestamp', 'webhookTimestamp is not a unix time in milliseconds');
    }
    return new Date(value);
  }
  if (typeof value === 'string') return parseUnixTimestamp(value, 'ms');
  throw new SignatureError('malformed_timestamp', 'webhookTimestamp is not a unix time in milliseconds');
}

function asObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export const linearProvider: Provider<LinearOptions> = {
  name: 'linear',
  options: linearOptions,
  defaultToleranceSeconds: 60,
  secretHeaders: () => [SIGNATURE_HEADER],

  verify(req, { secrets, toleranceSeconds }, now) {
    const signature = digestHeader(req.headers, SIGNATURE_HEADER, 'hex');
    // Signature first: the timestamp lives in the body, which is parsed only once it is authentic.
    const secretIndex = matchAnySecret(secrets, [signature], (secret) => hmac('sha256', secret, req.rawBody));
    const signedAt = signedTimestamp(req);
    checkTimestamp(signedAt, now, toleranceSeconds);
    return { secretIndex, signedAt };
  },

  identify(req, payload) {
    const type = readString(payload, 'type');
    const action = readString(payload, 'action');
    const createdAt = readString(payload, 'createdAt');
    const webhookTimestamp = readPath(payload, 'webhookTimestamp');
    let occurredAt = createdAt ? new Date(Date.parse(createdAt)) : undefined;
    if (!occurredAt || Number.isNaN(occurredAt.getTime())) {
      occurredAt = typeof webhookTimestamp === 'number' ? new Date(webhookTimestamp) : undefined;
    }
    return {
      // The body carries webhookTimestamp, so its hash is unique per delivery when the header is absent.
      id: req.headers[DELIVERY_HEADER]?.trim() || sha256Hex(req.rawBody),
      type: type && action ? `${type}.${action}` : (type ?? 'unknown'),
      occurredAt,
    };
  },

  sign({ body, contentType, url, secret, now }) {
    // Linear stamps each delivery's body with its send time; do the same so verify's window holds.
    const object = asObject(body);
    const sent = object && object.webhookTimestamp !== now.getTime()
      ? Buffer.from(JSON.stringify({ ...object, webhookTimestamp: now.getTime() }))
      : body;
    const headers: Record<string, string> = {
      'content-type': contentType,
      [DELIVERY_HEADER]: randomUUID(),
      [TIMESTAMP_HEADER]: String(now.getTime()),
      [SIGNATURE_HEADER]: hmac('sha256', secret, sent).toString('hex'),
    };
    if (typeof object?.type === 'string') headers[EVENT_HEADER] = object.type;
    return { headers, body: sent, url, contentType };
  },

  sample(eventType, now) {
    const [type, action] = (eventType ?? 'Issue.create').split('.');
    const at = now.toISOString();
    const body = {
      action: action ?? 'create',
      actor: { id: randomUUID(), type: 'user', name: 'Ada Lovelace' },
      createdAt: at,
      data: {
        id: randomUUID(),
        createdAt: at,
        updatedAt: at,
        number: 42,
        title: 'Webhook deliveries are retried twice',
        priority: 2,
        identifier: 'ENG-42',
        teamId: randomUUID(),
        stateId: randomUUID(),
        labelIds: [],
      },
      url: 'https://linear.app/acme/issue/ENG-42/webhook-deliveries-are-retried-twice',
      type,
      organizationId: randomUUID(),
      webhookTimestamp: now.getTime(),
      webhookId: randomUUID(),
    };
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
