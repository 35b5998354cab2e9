import { z } from 'zod';
import { BadRequestError, SignatureError } from '../errors/http-errors';
import {
  checkTimestamp,
  decodeDigest,
  hmac,
  matchAnySecret,
  parseUnixTimestamp,
  sha256Hex,
  type DigestEncoding,
  type HmacAlgorithm,
} from './crypto';
import { JSON_TYPE, readString } from './payload';
import type { Provider, WebhookRequest } from './types';

/**
 * Generic HMAC: for internal services and the many smaller providers that sign
 * `HMAC(secret, template)` into one header. Everything about the scheme is configurable.
 */
const headerName = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name')
  .transform((name) => name.toLowerCase());

export const hmacOptions = z
  .object({
    signatureHeader: headerName,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    /** Text before the digest in the header, e.g. `sha256=`. */
    prefix: z.string().default(''),
    /** Header carrying the signed unix timestamp; enables the replay window. */
    timestampHeader: headerName.optional(),
    timestampUnit: z.enum(['s', 'ms']).default('s'),
    /** What is signed: `{body}` is the raw body, `{timestamp}` the timestamp header's value. */
    signedContent: z
      .string()
      .default('{body}')
      .refine((t) => t.includes('{body}'), 'must include {body}'),
    idHeader: headerName.optional(),
    idField: z.string().min(1).optional(),
    typeHeader: headerName.optional(),
    typeField: z.string().min(1).optional(),
  })
  .strict()
  .refine((o) => !(o.idHeader && o.idField), { message: 'set idHeader or idField, not both', path: ['idField'] })
  .refine((o) => !(o.typeHeader && o.typeField), { message: 'set typeHeader or typeField, not both', path: ['typeField'] })
  .refine((o) => !o.signedContent.includes('{timestamp}') || o.timestampHeader, {
    message: '{timestamp} in signedContent needs timestampHeader',
    path: ['signedContent'],
  });

export type HmacOptions = z.infer<typeof hmacOptions>;

function signedContent(template: string, body: Buffer, timestamp: string | undefined): Buffer {
  // Split on {body} so the raw bytes are used as received, never re-encoded as text.
  const parts = template.split('{body}').map((part) => Buffer.from(part.split('{timestamp}').join(timestamp ?? '')));
  const out: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(body);
    out.push(part);
  });
  return Buffer.concat(out);
}

function timestampOf(req: WebhookRequest, o: HmacOptions): string | undefined {
  return o.timestampHeader ? req.headers[o.timestampHeader]?.trim() : undefined;
}

function digest(o: HmacOptions, secret: string, content: Buffer): string {
  return hmac(o.algorithm as HmacAlgorithm, secret, content).toString(o.encoding);
}

export const hmacProvider: Provider<HmacOptions> = {
  name: 'hmac',
  options: hmacOptions,
  defaultToleranceSeconds: 300,
  secretHeaders: (o) => [o.signatureHeader],

  verify(req, { secrets, toleranceSeconds, options: o }, now) {
    const header = req.headers[o.signatureHeader];
    if (!header) throw new SignatureError('missing_signature', `missing ${o.signatureHeader} header`);
    const timestamp = timestampOf(req, o);
    let signedAt: Date | undefined;
    if (o.timestampHeader) {
      signedAt = parseUnixTimestamp(timestamp, o.timestampUnit);
      checkTimestamp(signedAt, now, toleranceSeconds);
    }
    // Several signatures may be sent during a rotation, separated by commas or spaces.
    const candidates = header
      .split(/[\s,]+/)
      .filter((s) => s.startsWith(o.prefix) && s.length > o.prefix.length)
      .map((s) => decodeDigest(s.slice(o.prefix.length), o.encoding as DigestEncoding))
      .filter((b): b is Buffer => b !== undefined);
    if (candidates.length === 0) {
      throw new SignatureError('malformed_signature', `${o.signatureHeader} holds no ${o.prefix}<${o.encoding}> signature`);
    }
    const content = signedContent(o.signedContent, req.rawBody, timestamp);
    const secretIndex = matchAnySecret(secrets, candidates, (secret) => hmac(o.algorithm, secret, content));
    return { secretIndex, signedAt };
  },

  identify(req, payload, { options: o }) {
    let id: string | undefined;
    if (o.idHeader) {
      id = req.headers[o.idHeader]?.trim() || undefined;
      if (!id) throw new BadRequestError(`missing event ID header ${o.idHeader}`);
    } else if (o.idField) {
      id = readString(payload, o.idField);
      if (!id) throw new BadRequestError(`missing event ID field ${o.idField} in the body`);
    } else {
      // No ID configured: the signed content identifies the delivery (README: derived IDs).
      id = sha256Hex(signedContent(o.signedContent, req.rawBody, timestampOf(req, o)));
    }
    const type =
      (o.typeHeader ? req.headers[o.typeHeader]?.trim() : o.typeField ? readString(payload, o.typeField) : undefined) ||
      'unknown';
    const timestamp = timestampOf(req, o);
    const occurredAt =
      timestamp && /^\d+$/.test(timestamp)
        ? new Date(o.timestampUnit === 's' ? Number(timestamp) * 1000 : Number(timestamp))
        : undefined;
    return { id, type, occurredAt };
  },

  sign({ body, contentType, url, secret, now, eventType }, o) {
    const timestamp = String(o.timestampUnit === 's' ? Math.floor(now.getTime() / 1000) : now.getTime());
    const headers: Record<string, string> = { 'content-type': contentType };
    if (o.timestampHeader) headers[o.timestampHeader] = timestamp;
    if (o.idHeader) headers[o.idHeader] = `evt_${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    if (o.typeHeader && eventType) headers[o.typeHeader] = eventType;
    headers[o.signatureHeader] = o.prefix + digest(o, secret, signedContent(o.signedContent, body, timestamp));
    return { headers, body, url, contentType };
  },

  sample(eventType, now) {
    const body = {
      id: `evt_${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 10)}`,
      type: eventType ?? 'sample.created',
      created: Math.floor(now.getTime() / 1000),
      data: { message: 'hello from hookflow send' },
    };
    return { body: Buffer.from(JSON.stringify(body)), contentType: JSON_TYPE };
  },
};
