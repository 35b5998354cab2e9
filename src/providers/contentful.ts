import { randomBytes, randomUUID } from 'node:crypto';
import { escape as escapeQuery } from 'node:querystring';
import { z } from 'zod';
import { BadRequestError, SignatureError } from '../errors/http-errors';
import { checkTimestamp, hmac, matchAnySecret, parseUnixTimestamp } from './crypto';
import { select } from './schemes/selector';
import type { Provider, WebhookRequest } from './types';

/**
 * Contentful request verification: `x-contentful-signature` is the hex HMAC-SHA256 of the
 * canonical request `METHOD\nPATH\nk1:v1;k2:v2...\nBODY`, where the headers are those named in
 * `x-contentful-signed-headers` (lower-cased, trimmed, sorted by name, always including that
 * header and `x-contentful-timestamp`, milliseconds). Built exactly as
 * @contentful/node-apps-toolkit's signRequest/verifyRequest (src/requests/), whose default time
 * to live is 30 s. https://www.contentful.com/developers/docs/webhooks/request-verification/
 *
 * A module rather than a preset: the signed content depends on a header listing other headers.
 */
export const contentfulOptions = z
  .object({
    /** The public URL Contentful calls, when a proxy changes the path the receiver sees. */
    url: z.string().url().optional(),
  })
  .strict();
export type ContentfulOptions = z.infer<typeof contentfulOptions>;

const SIGNATURE = 'x-contentful-signature';
const SIGNED_HEADERS = 'x-contentful-signed-headers';
const TIMESTAMP = 'x-contentful-timestamp';
const CONTENT_TYPE = 'application/vnd.contentful.management.v1+json';
/** More signed headers than any request carries are refused before any work. */
const MAX_SIGNED_HEADERS = 64;
const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** The names in `x-contentful-signed-headers`, lower-cased; throws SignatureError when unusable. */
export function parseSignedHeaders(header: string | undefined): string[] {
  if (header === undefined || header.trim() === '') throw new SignatureError('missing_signature', `missing ${SIGNED_HEADERS} header`);
  const names = header.split(',').map((n) => n.trim().toLowerCase());
  if (names.length > MAX_SIGNED_HEADERS) throw new SignatureError('malformed_signature', `${SIGNED_HEADERS} names more than ${MAX_SIGNED_HEADERS} headers`);
  if (names.some((n) => !TOKEN.test(n))) throw new SignatureError('malformed_signature', `${SIGNED_HEADERS} is not a comma-separated list of header names`);
  return [...new Set(names)];
}

/** The path and query as the toolkit normalises them (`encodeURI`, the query `querystring.escape`d). */
function canonicalPath(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
  const [pathname, search] = path.split('?');
  const escaped = search ? escapeQuery(search) : '';
  return encodeURI(escaped ? `${pathname}?${escaped}` : pathname);
}

/** The canonical request for `headers` (already picked), with the timestamp as the toolkit writes it. */
function canonicalRequest(method: string, path: string, headers: Record<string, string>, timestamp: number, body: Buffer): Buffer {
  const names = Object.keys(headers).filter((n) => n !== SIGNED_HEADERS && n !== TIMESTAMP);
  const signedHeaders = [...names, SIGNED_HEADERS, TIMESTAMP].sort().join(',');
  const all: Record<string, string> = { ...headers, [TIMESTAMP]: String(timestamp), [SIGNED_HEADERS]: signedHeaders };
  const lines = Object.keys(all)
    .sort()
    .map((name) => `${name}:${all[name]}`)
    .join(';');
  return Buffer.concat([Buffer.from(`${method}\n${path}\n${lines}\n`), body]);
}

function requestPath(req: WebhookRequest, options: ContentfulOptions): string {
  if (!options.url) return canonicalPath(req.url);
  const q = req.url.indexOf('?');
  return canonicalPath(q < 0 ? options.url : options.url + req.url.slice(q));
}

export const contentfulProvider: Provider<ContentfulOptions> = {
  name: 'contentful',
  options: contentfulOptions,
  // The toolkit's default time to live; checked both ways here.
  defaultToleranceSeconds: 30,
  secretHeaders: () => [SIGNATURE],

  verify(req, { secrets, toleranceSeconds, options }, now) {
    const signature = req.headers[SIGNATURE]?.trim();
    if (!signature) throw new SignatureError('missing_signature', `missing ${SIGNATURE} header`);
    if (!/^[0-9a-f]{64}$/i.test(signature)) throw new SignatureError('malformed_signature', `${SIGNATURE} is not a hex SHA-256 digest`);
    const names = parseSignedHeaders(req.headers[SIGNED_HEADERS]);
    const signedAt = parseUnixTimestamp(req.headers[TIMESTAMP]?.trim(), 'ms');
    checkTimestamp(signedAt, now, toleranceSeconds);
    // Signed headers that did not arrive are left out, as verifyRequest's pickHeaders does.
    const picked: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const name of names) {
      // Own string values only: a sender may list `__proto__` or `constructor` as a header name.
      const value = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
      if (typeof value === 'string') picked[name] = value.trim();
    }
    const content = canonicalRequest((req.method ?? 'POST').toUpperCase(), requestPath(req, options), picked, signedAt.getTime(), req.rawBody);
    const secretIndex = matchAnySecret(secrets, [Buffer.from(signature.toLowerCase(), 'hex')], (secret) => hmac('sha256', secret, content));
    return { secretIndex, signedAt };
  },

  identify(req, payload) {
    const ctx = { req, payload };
    // Contentful's own dedup key, a SHA-256 per webhook call; older deliveries lack it.
    const id = select(['header:x-contentful-idempotency-key', '{header:x-contentful-topic}:{body:sys.id}:{body:sys.version}', 'hash:body'], ctx);
    if (!id) throw new BadRequestError('missing event ID (x-contentful-idempotency-key)');
    const updated = select('body:sys.updatedAt', ctx);
    return { id, type: select('header:x-contentful-topic', ctx) ?? 'unknown', ...(updated ? { occurredAt: new Date(updated) } : {}) };
  },

  sign({ body, url, secret, now, eventType }, options) {
    const headers: Record<string, string> = {
      'x-contentful-topic': eventType ?? 'ContentManagement.Entry.publish',
      'x-contentful-webhook-name': 'hookflow',
      'x-contentful-idempotency-key': randomBytes(32).toString('hex'),
    };
    const timestamp = now.getTime();
    const path = requestPath({ rawBody: body, headers, url, contentType: CONTENT_TYPE }, options);
    const content = canonicalRequest('POST', path, headers, timestamp, body);
    const signedHeaders = [...Object.keys(headers), SIGNED_HEADERS, TIMESTAMP].sort().join(',');
    return {
      headers: {
        'content-type': CONTENT_TYPE,
        ...headers,
        [TIMESTAMP]: String(timestamp),
        [SIGNED_HEADERS]: signedHeaders,
        [SIGNATURE]: hmac('sha256', secret, content).toString('hex'),
      },
      body,
      url,
      contentType: CONTENT_TYPE,
    };
  },

  sample: (_type, now) => {
    const at = now.toISOString();
    return {
      contentType: CONTENT_TYPE,
      body: Buffer.from(
        JSON.stringify({
          metadata: { tags: [] },
          sys: {
            type: 'Entry',
            id: randomBytes(11).toString('base64url'),
            space: { sys: { type: 'Link', linkType: 'Space', id: 'yadj1kx9rmg0' } },
            environment: { sys: { id: 'master', type: 'Link', linkType: 'Environment' } },
            contentType: { sys: { type: 'Link', linkType: 'ContentType', id: 'blogPost' } },
            createdAt: at,
            updatedAt: at,
            version: 4,
            publishedVersion: 3,
            revision: 1,
            createdBy: { sys: { type: 'Link', linkType: 'User', id: randomUUID() } },
          },
          fields: { title: { 'en-US': 'Retries, explained' }, slug: { 'en-US': 'retries-explained' } },
        }),
      ),
    };
  },
};
