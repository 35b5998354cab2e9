import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { SignatureError } from '../errors/http-errors';
import { checkTimestamp, digestHeader, parseUnixTimestamp, sha256Hex } from './crypto';
import { JSON_TYPE, readPath, readString } from './payload';
import type { Payload, Provider } from './types';

/**
 * SendGrid Event Webhook: ECDSA P-256 with SHA-256 over `<timestamp><raw body>`, the signature
 * base64 DER. Asymmetric: a source's `secrets` are SendGrid's verification (public) keys, while
 * `hookflow send` must be given the matching PRIVATE key to sign.
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 */
export const sendgridOptions = z.object({}).strict();

export type SendgridOptions = z.infer<typeof sendgridOptions>;

const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** Parsed keys by configured text, so a key is decoded once rather than per request. */
const publicKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 256;

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/** A key as SendGrid shows it (base64 SPKI DER), or PEM. */
function keyFrom(text: string, kind: 'public' | 'private'): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    return kind === 'public' ? createPublicKey(trimmed) : createPrivateKey(trimmed);
  }
  const der = Buffer.from(trimmed, 'base64');
  return kind === 'public'
    ? createPublicKey({ key: der, format: 'der', type: 'spki' })
    : createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/**
 * A broken configured key is an operator error, not a bad request: it fails loudly (500) with
 * the key's position, never its text, instead of turning every delivery into a 401.
 */
function publicKey(text: string, index: number): KeyObject {
  const cached = publicKeys.get(text);
  if (cached) return cached;
  let key: KeyObject;
  try {
    key = keyFrom(text, 'public');
  } catch {
    throw new Error(`sendgrid secret ${index} is not a base64 SPKI DER or PEM public key`);
  }
  if (!isP256(key)) throw new Error(`sendgrid secret ${index} is not a P-256 (prime256v1) key`);
  if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
  publicKeys.set(text, key);
  return key;
}

function signedContent(timestamp: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(timestamp), body]);
}

function events(payload: Payload): unknown[] {
  return Array.isArray(payload) ? payload : [payload];
}

export const sendgridProvider: Provider<SendgridOptions> = {
  name: 'sendgrid',
  checkSecret(secret) {
    try {
      publicKey(secret, 0);
      return undefined;
    } catch {
      return 'not a base64 SPKI DER or PEM P-256 public key';
    }
  },
  options: sendgridOptions,
  defaultToleranceSeconds: 300,
  secretHeaders: () => [SIGNATURE_HEADER],

  verify(req, { secrets, toleranceSeconds }, now) {
    const signature = digestHeader(req.headers, SIGNATURE_HEADER, 'base64');
    const timestamp = req.headers[TIMESTAMP_HEADER]?.trim();
    const signedAt = parseUnixTimestamp(timestamp, 's');
    checkTimestamp(signedAt, now, toleranceSeconds);

    const content = signedContent(timestamp as string, req.rawBody);
    let matched = -1;
    // Every key is tried, as with HMAC rotation, so the time taken does not single one out.
    secrets.forEach((secret, index) => {
      const key = publicKey(secret, index);
      let valid = false;
      try {
        valid = verify('sha256', content, { key, dsaEncoding: 'der' }, signature);
      } catch {
        valid = false; // an unparsable DER signature is simply not a match
      }
      if (valid && matched === -1) matched = index;
    });
    if (matched === -1) {
      throw new SignatureError('no_matching_signature', 'signature does not verify with any configured public key');
    }
    return { secretIndex: matched, signedAt };
  },

  identify(req, payload) {
    const batch = events(payload);
    const types = new Set(batch.map((event) => readString(event, 'event') ?? 'unknown'));
    // The earliest event's time; a loop rather than Math.min(...) so a large batch cannot overflow the stack.
    let earliest: number | undefined;
    for (const event of batch) {
      const t = readPath(event, 'timestamp');
      if (typeof t === 'number' && Number.isFinite(t) && (earliest === undefined || t < earliest)) earliest = t;
    }
    return {
      // A delivery is a batch of events, each with its own sg_event_id; no ID names the batch.
      // SendGrid retries for up to 24 h, and a retry that passes the replay window must carry a
      // new timestamp, so a hash of the signed content would never match an earlier attempt:
      // the body alone is hashed, so an identical retried batch deduplicates. Per-event dedup
      // on sg_event_id is the handler's job, since a retry may regroup events.
      id: sha256Hex(req.rawBody),
      type: types.size === 1 ? [...types][0] : 'batch',
      occurredAt: earliest === undefined ? undefined : new Date(earliest * 1000),
    };
  },

  /** `secret` here is the PRIVATE key (base64 PKCS#8 DER or PEM), unlike verify's public keys. */
  sign({ body, contentType, url, secret, now }) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const key = keyFrom(secret, 'private');
    const signature = sign('sha256', signedContent(timestamp, body), { key, dsaEncoding: 'der' }).toString('base64');
    return {
      headers: { 'content-type': contentType, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature },
      body,
      url,
      contentType,
    };
  },

  sample(eventType, now) {
    const seconds = Math.floor(now.getTime() / 1000);
    const messageId = `${randomBytes(16).toString('base64url')}.recvd-5f54b9f6b8-k4wpq-1-6372F1AA-2.0`;
    const event = (email: string, offset: number) => ({
      email,
      timestamp: seconds - offset,
      'smtp-id': `<${messageId.slice(0, 22)}@geopod-ismtpd-3>`,
      event: eventType ?? 'delivered',
      category: ['receipts'],
      sg_event_id: randomBytes(18).toString('base64url'),
      sg_message_id: messageId,
      response: '250 OK',
      ip: '149.72.154.232',
      tls: 1,
    });
    // SendGrid separates events with CRLF and ends the body with one: the bytes it signs.
    const lines = [event('ada@example.com', 2), event('grace@example.com', 1)].map((e) => JSON.stringify(e));
    const text = `[${lines.join(',\r\n')}]\r\n`;
    return { body: Buffer.from(text), contentType: JSON_TYPE };
  },
};
