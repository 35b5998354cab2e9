import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError, SignatureError } from '../errors/http-errors';
import { signedContent, signStandardWebhook, standardWebhookKey } from '../forward/standard-webhook-signature';
import { checkTimestamp, decodeDigest, hmac, matchAnySecret, parseUnixTimestamp } from './crypto';
import { JSON_TYPE, readString } from './payload';
import type { Provider, WebhookRequest } from './types';

/**
 * Standard Webhooks (and Svix, which sends the same scheme under `svix-*` names):
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")> ...`.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const standardWebhooksOptions = z.object({}).strict();
export type StandardWebhooksOptions = z.infer<typeof standardWebhooksOptions>;

const FAMILIES = ['webhook', 'svix'] as const;

interface Delivery {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * Read the id, timestamp and signature from one family of header names, never mixing them,
 * so the ID we deduplicate on is the one the signature covers.
 */
function delivery(req: WebhookRequest): Delivery {
  const family = FAMILIES.find((f) => req.headers[`${f}-signature`]) ?? FAMILIES[0];
  return {
    id: req.headers[`${family}-id`]?.trim() || undefined,
    timestamp: req.headers[`${family}-timestamp`]?.trim(),
    signature: req.headers[`${family}-signature`],
  };
}

function v1Signatures(header: string): Buffer[] {
  const out: Buffer[] = [];
  // Entries are space-separated; a trailing comma appears only if a proxy joined repeated headers.
  for (const entry of header.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue; // v1a is Ed25519, which needs a public key
    const digest = decodeDigest(entry.slice(comma + 1).replace(/,$/, ''), 'base64');
    if (digest?.length === 32) out.push(digest);
  }
  return out;
}

export const standardWebhooksProvider: Provider<StandardWebhooksOptions> = {
  name: 'standard-webhooks',
  options: standardWebhooksOptions,
  defaultToleranceSeconds: 300,
  secretHeaders: () => FAMILIES.map((f) => `${f}-signature`),

  verify(req, { secrets, toleranceSeconds }, now) {
    const { id, timestamp, signature } = delivery(req);
    if (!signature) {
      throw new SignatureError('missing_signature', 'missing webhook-signature (or svix-signature) header');
    }
    const candidates = v1Signatures(signature);
    if (candidates.length === 0) {
      throw new SignatureError('malformed_signature', 'webhook-signature holds no v1,<base64 HMAC-SHA256> entry');
    }
    // The ID is part of the signed content, so without it no signature can be checked.
    if (!id) throw new SignatureError('malformed_signature', 'missing webhook-id header, which the signature covers');
    const signedAt = parseUnixTimestamp(timestamp);
    checkTimestamp(signedAt, now, toleranceSeconds);
    const content = signedContent(id, timestamp as string, req.rawBody);
    const expectedFor = (secret: string) => hmac('sha256', standardWebhookKey(secret), content);
    const secretIndex = matchAnySecret(secrets, candidates, expectedFor);
    return { secretIndex, signedAt };
  },

  identify(req, payload) {
    const { id, timestamp } = delivery(req);
    if (!id) throw new BadRequestError('missing event ID header webhook-id');
    const occurredAt = timestamp && /^\d{1,16}$/.test(timestamp) ? new Date(Number(timestamp) * 1000) : undefined;
    return { id, type: readString(payload, 'type') ?? 'unknown', occurredAt };
  },

  sign({ body, contentType, url, secret, now }) {
    const id = `msg_${randomBytes(16).toString('base64url').replace(/[-_]/g, 'x')}`;
    const timestamp = Math.floor(now.getTime() / 1000);
    return {
      headers: {
        'content-type': contentType,
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook({ secrets: [secret], id, timestamp, body }),
      },
      body,
      url,
      contentType,
    };
  },

  /** The payload shape the spec recommends: `type`, `timestamp`, `data`. */
  sample(eventType, now) {
    const body = {
      type: eventType ?? 'contact.created',
      timestamp: now.toISOString(),
      data: {
        id: randomUUID(),
        phone_number: '+1-555-0100',
        email: 'ada@example.com',
        created_at: now.toISOString(),
      },
    };
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
