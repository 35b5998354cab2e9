import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import { SignatureError } from '../errors/http-errors';
import { checkTimestamp, decodeDigest, hmac, matchAnySecret, parseUnixTimestamp } from './crypto';
import { JSON_TYPE, readString } from './payload';
import type { Provider, WebhookRequest } from './types';

/**
 * HubSpot: v3 `X-HubSpot-Signature-v3` = base64 HMAC-SHA256(client secret, method + URI + body +
 * X-HubSpot-Request-Timestamp) with a 5-minute window; v2 and v1 `X-HubSpot-Signature` =
 * hex SHA-256(secret + method + URI + body) and SHA-256(secret + body), chosen by
 * `X-HubSpot-Signature-Version`. The URI is the public one (`url` option behind a proxy).
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
export const hubspotOptions = z
  .object({
    /** The public URL HubSpot calls, when the receiver's own differs (proxy, TLS terminator). */
    url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();
export type HubspotOptions = z.infer<typeof hubspotOptions>;

const V3 = 'x-hubspot-signature-v3';
const LEGACY = 'x-hubspot-signature';
const VERSION = 'x-hubspot-signature-version';
const TIMESTAMP = 'x-hubspot-request-timestamp';

/** HubSpot signs the URI with these escapes decoded (its docs' list). */
const DECODED: Record<string, string> = { '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';' };

function uri(req: WebhookRequest, o: HubspotOptions): string {
  if (!o.url) return req.url;
  const q = req.url.indexOf('?');
  return q < 0 ? o.url : o.url + req.url.slice(q);
}

export function hubspotUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()]);
}

const sha256 = (text: Buffer) => createHash('sha256').update(text).digest();

export const hubspotProvider: Provider<HubspotOptions> = {
  name: 'hubspot',
  options: hubspotOptions,
  defaultToleranceSeconds: 300,
  secretHeaders: () => [V3, LEGACY],

  verify(req, { secrets, toleranceSeconds, options }, now) {
    const method = req.method ?? 'POST';
    const url = uri(req, options);
    // v3 wins whenever it is sent: falling back to v1 after a failed v3 would let the weaker one decide.
    const v3 = req.headers[V3]?.trim();
    if (v3) {
      const digest = decodeDigest(v3, 'base64');
      if (!digest || digest.length !== 32) throw new SignatureError('malformed_signature', `${V3} is not a base64 HMAC-SHA256`);
      const timestamp = req.headers[TIMESTAMP]?.trim();
      const signedAt = parseUnixTimestamp(timestamp, 'ms');
      checkTimestamp(signedAt, now, toleranceSeconds);
      const contents = [...new Set([hubspotUri(url), url])].map((u) => Buffer.concat([Buffer.from(method + u), req.rawBody, Buffer.from(timestamp as string)]));
      // The URI as HubSpot's docs sign it (escapes decoded), then as received (what its SDK signs).
      for (const content of contents) {
        try {
          return { secretIndex: matchAnySecret(secrets, [digest], (secret) => hmac('sha256', secret, content)), signedAt };
        } catch (error) {
          if (!(error instanceof SignatureError) || content === contents[contents.length - 1]) throw error;
        }
      }
    }
    const legacy = req.headers[LEGACY]?.trim();
    if (!legacy) throw new SignatureError('missing_signature', `missing ${V3} (or ${LEGACY}) header`);
    const digest = decodeDigest(legacy, 'hex');
    if (!digest || digest.length !== 32) throw new SignatureError('malformed_signature', `${LEGACY} is not a hex SHA-256`);
    const version = (req.headers[VERSION]?.trim() || 'v1').toLowerCase();
    if (version !== 'v1' && version !== 'v2') throw new SignatureError('malformed_signature', `unknown ${VERSION} ${JSON.stringify(version)}`);
    const tail = version === 'v2' ? Buffer.concat([Buffer.from(method + url), req.rawBody]) : req.rawBody;
    const secretIndex = matchAnySecret(secrets, [digest], (secret) => sha256(Buffer.concat([Buffer.from(secret), tail])));
    return { secretIndex };
  },

  /** A delivery is a batch of up to 100 events: one event here, named by its first. */
  identify(req, payload) {
    // A retry keeps the eventId (attemptNumber grows), so it is the key; the body only without one.
    return {
      id: readString(payload, '0.eventId') ?? createHash('sha256').update(req.rawBody).digest('hex'),
      type: readString(payload, '0.subscriptionType') ?? 'unknown',
    };
  },

  sign({ body, contentType, url, secret, now }, options) {
    const timestamp = String(now.getTime());
    const signed = Buffer.concat([Buffer.from(`POST${hubspotUri(uri({ rawBody: body, headers: {}, url, contentType }, options))}`), body, Buffer.from(timestamp)]);
    return {
      headers: { 'content-type': contentType, [V3]: hmac('sha256', secret, signed).toString('base64'), [TIMESTAMP]: timestamp },
      body,
      url,
      contentType,
    };
  },

  sample(eventType, now) {
    const event = {
      eventId: randomInt(1, 2 ** 31),
      subscriptionId: 12345,
      portalId: 62515,
      appId: 54321,
      occurredAt: now.getTime(),
      subscriptionType: eventType ?? 'contact.creation',
      attemptNumber: 0,
      objectId: randomInt(1, 1e9),
      changeSource: 'CRM',
      changeFlag: 'NEW',
    };
    return { body: Buffer.from(JSON.stringify([event])), contentType: JSON_TYPE };
  },
};
