import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError, SignatureError } from '../errors/http-errors';
import { checkTimestamp, decodeDigest, hmac, matchAnySecret, parseUnixTimestamp } from './crypto';
import { FORM_TYPE, JSON_TYPE, parsePayload, readPath, readString } from './payload';
import type { Payload, Provider, WebhookRequest } from './types';

/**
 * Mailgun: the signature travels in the body, `signature: {timestamp, token, signature}`, the
 * last being hex HMAC-SHA256 of `<timestamp><token>` keyed with the webhook signing key.
 * Legacy webhooks post the same three as top-level form fields.
 * The signature does not cover `event-data`: whoever sees one signed body can attach other event
 * data to its signature until the replay window closes. Mailgun's answer is to remember tokens,
 * which needs state this pure module does not have (see identify()).
 * https://documentation.mailgun.com/docs/mailgun/user-manual/events/webhooks#securing-webhooks
 */
export const mailgunOptions = z.object({}).strict();

export type MailgunOptions = z.infer<typeof mailgunOptions>;

/**
 * Bodies larger than this are refused before parsing: verify must read the body to find the
 * signature, so this bounds the work an unauthenticated request can cause. Mailgun's event
 * bodies are a few kilobytes.
 */
const MAX_BODY_BYTES = 1024 * 1024;
/** Mailgun's tokens are 50 characters; anything far longer is not one. */
const MAX_TOKEN_LENGTH = 512;

interface Signed {
  timestamp: string | undefined;
  token: string;
  digest: Buffer;
}

function isJson(contentType: string): boolean {
  return contentType === JSON_TYPE || contentType.endsWith('+json');
}

function malformed(message: string): SignatureError {
  return new SignatureError('malformed_signature', message);
}

/** The three signature fields of a JSON body's `signature` object, or of a legacy form. */
function signatureFields(req: WebhookRequest): Record<string, unknown> {
  if (req.rawBody.length > MAX_BODY_BYTES) throw malformed(`body is larger than ${MAX_BODY_BYTES} bytes`);
  if (req.contentType === FORM_TYPE) {
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    // A repeated field comes back as an array, which the checks below refuse as malformed.
    const field = (name: string) => {
      const values = form.getAll(name);
      return values.length > 1 ? values : values[0];
    };
    if (!form.has('signature')) throw new SignatureError('missing_signature', 'the form has no signature field');
    return { timestamp: field('timestamp'), token: field('token'), signature: field('signature') };
  }
  if (!isJson(req.contentType)) throw malformed(`cannot find a signature in a ${req.contentType || 'typeless'} body`);
  let body: unknown;
  try {
    body = parsePayload({ ...req, contentType: JSON_TYPE });
  } catch {
    throw malformed('the body is not JSON');
  }
  const signature = readPath(body, 'signature');
  if (signature === undefined) throw new SignatureError('missing_signature', 'the body has no signature object');
  if (signature === null || typeof signature !== 'object' || Array.isArray(signature)) {
    throw malformed('signature is not an object');
  }
  return signature as Record<string, unknown>;
}

function timestampText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // Mailgun sends a string; a JSON number is accepted and written back as the same digits.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (value === undefined) return undefined;
  throw new SignatureError('malformed_timestamp', 'signature timestamp is not a unix time');
}

function readSigned(req: WebhookRequest): Signed {
  const fields = signatureFields(req);
  const { signature, token } = fields;
  if (signature === undefined || signature === '') throw new SignatureError('missing_signature', 'signature is empty');
  if (typeof signature !== 'string') throw malformed('signature is not a string');
  const digest = decodeDigest(signature, 'hex');
  if (!digest) throw malformed('signature is not hex');
  if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) {
    throw malformed('signature token is missing or not a string');
  }
  return { timestamp: timestampText(fields.timestamp), token, digest };
}

function randomToken(): string {
  return randomBytes(25).toString('hex');
}

export const mailgunProvider: Provider<MailgunOptions> = {
  name: 'mailgun',
  options: mailgunOptions,
  defaultToleranceSeconds: 300,
  // The signature is in the body, not a header; the body is the event and is stored as such.
  secretHeaders: () => [],

  verify(req, { secrets, toleranceSeconds }, now) {
    const { timestamp, token, digest } = readSigned(req);
    const signedAt = parseUnixTimestamp(timestamp, 's');
    checkTimestamp(signedAt, now, toleranceSeconds);
    const content = Buffer.from(`${timestamp}${token}`, 'utf8');
    const secretIndex = matchAnySecret(secrets, [digest], (secret) => hmac('sha256', secret, content));
    return { secretIndex, signedAt, nonce: token };
  },

  identify(_req, payload) {
    // event-data.id dedupes Mailgun's retries (each retry is signed afresh with a new token), but
    // it is not signed; refusing a reused token within the window is the receiver's job. The token
    // also identifies a legacy post, which has no event ID.
    const id =
      readString(payload, 'event-data.id') ?? readString(payload, 'signature.token') ?? readString(payload, 'token');
    if (!id) throw new BadRequestError('missing event ID: no event-data.id and no signature token in the body');
    const time = readPath(payload, 'event-data.timestamp') ?? Number(readString(payload, 'timestamp'));
    return {
      id,
      type: readString(payload, 'event-data.event') ?? readString(payload, 'event') ?? 'unknown',
      occurredAt: typeof time === 'number' && Number.isFinite(time) ? new Date(Math.round(time * 1000)) : undefined,
    };
  },

  /** The signature goes into the body: JSON gains a `signature` object, a form three fields. */
  sign({ body, contentType, url, secret, now }) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const token = randomToken();
    const signature = hmac('sha256', secret, timestamp + token).toString('hex');
    const media = contentType.split(';')[0].trim().toLowerCase();
    let signedBody: Buffer;
    if (media === FORM_TYPE) {
      const form = new URLSearchParams(body.toString('utf8'));
      form.set('timestamp', timestamp);
      form.set('token', token);
      form.set('signature', signature);
      signedBody = Buffer.from(form.toString());
    } else {
      let parsed: Payload;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new Error('mailgun sign() needs a JSON object or form body');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('mailgun sign() needs a JSON object or form body');
      }
      const { signature: _replaced, ...rest } = parsed as Record<string, unknown>;
      signedBody = Buffer.from(JSON.stringify({ signature: { token, timestamp, signature }, ...rest }));
    }
    return { headers: { 'content-type': contentType }, body: signedBody, url, contentType };
  },

  sample(eventType, now) {
    const messageId = `${now.getTime()}.${randomBytes(6).toString('hex')}@mg.example.com`;
    const body = {
      'event-data': {
        id: randomBytes(16).toString('base64url'),
        timestamp: now.getTime() / 1000,
        'log-level': 'info',
        event: eventType ?? 'delivered',
        'delivery-status': { code: 250, message: 'OK', description: '', 'attempt-no': 1, tls: true },
        envelope: { sender: 'bob@mg.example.com', transport: 'smtp', targets: 'alice@example.com' },
        message: {
          headers: {
            to: 'alice@example.com',
            'message-id': messageId,
            from: 'bob@mg.example.com',
            subject: 'Your receipt',
          },
          size: 2048,
        },
        recipient: 'alice@example.com',
        'recipient-domain': 'example.com',
        storage: {
          url: `https://storage.mailgun.net/v3/domains/mg.example.com/messages/${randomUUID()}`,
          key: randomUUID(),
        },
        tags: ['receipts'],
        'user-variables': {},
      },
    };
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
