import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SignatureError } from '../errors/http-errors';
import { decodeDigest, digestHeader, hmac, safeEqual, sha256Hex } from './crypto';
import { FORM_TYPE, readString } from './payload';
import type { Payload, Provider, WebhookRequest } from './types';

/**
 * Twilio (Programmable Messaging, Voice, ...): `X-Twilio-Signature` is base64 HMAC-SHA1, keyed
 * with the Auth Token, over the URL Twilio called followed by the sorted POST parameters; JSON
 * bodies are covered by a `bodySHA256` query parameter instead.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
export const twilioOptions = z
  .object({
    /**
     * The public URL configured in Twilio (scheme, host, optional port, path), for when a proxy
     * or TLS terminator makes `req.url` differ from it. The request's own query string is
     * appended, because Twilio adds `bodySHA256` to it per request.
     */
    url: z
      .string()
      .refine(
        (u) => /^https?:\/\/[^/?#]+(\/[^?#]*)?$/i.test(u),
        'must be an http(s) URL without a query string or fragment',
      )
      .optional(),
  })
  .strict();

export type TwilioOptions = z.infer<typeof twilioOptions>;

const SIGNATURE_HEADER = 'x-twilio-signature';
const IDEMPOTENCY_HEADER = 'i-twilio-idempotency-token';
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** The URL Twilio signed, as well as we can know it: the override's base plus the request's query. */
function publicUrl(url: string, o: TwilioOptions): string {
  if (!o.url) return url;
  const query = url.indexOf('?');
  return query === -1 ? o.url : o.url + url.slice(query);
}

/**
 * The URL with and without the scheme's default port. Twilio signs the URL as configured, and
 * whether that included `:443` is not visible in the request (its SDKs accept both forms).
 * Only the default port is toggled: a URL with `:8443` was signed with it.
 */
function portVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]*)/i.exec(url);
  if (!match) return [url];
  const [prefix, scheme, authority] = match;
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  const hostStart = authority.lastIndexOf('@') + 1;
  // In an IPv6 literal the colons are inside the brackets; the port's colon comes after them.
  const portColon = authority.indexOf(':', Math.max(hostStart, authority.lastIndexOf(']') + 1));
  const rest = url.slice(prefix.length);
  const head = `${scheme}://`;
  if (portColon === -1) return [url, `${head}${authority}:${defaultPort}${rest}`];
  if (authority.slice(portColon + 1) === defaultPort) return [url, `${head}${authority.slice(0, portColon)}${rest}`];
  return [url];
}

/**
 * Form fields grouped by name. A Map rather than an object, so parameters named like
 * Object.prototype members (`constructor`, `__proto__`) are kept as the plain strings Twilio signed.
 */
type Fields = Map<string, string[]>;

function formFields(text: string): Fields {
  const fields: Fields = new Map();
  for (const [name, value] of new URLSearchParams(text)) {
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

/**
 * The POST parameters as Twilio appends them: sorted by name, each value appended as
 * name + value, repeated names' values sorted. Twilio's own SDKs also drop duplicate values
 * (`new Set`), which the documented algorithm does not mention; `dedupe` chooses which.
 */
function paramsContent(fields: Fields, dedupe: boolean): string {
  let out = '';
  for (const name of [...fields.keys()].sort()) {
    let values = [...(fields.get(name) ?? [])];
    if (dedupe) values = [...new Set(values)];
    for (const value of values.sort()) out += name + value;
  }
  return out;
}

function hasDuplicateValues(fields: Fields): boolean {
  return [...fields.values()].some((values) => new Set(values).size !== values.length);
}

function bodyHashParams(url: string): string[] {
  const query = url.indexOf('?');
  return query === -1 ? [] : new URLSearchParams(url.slice(query + 1)).getAll('bodySHA256');
}

type Mode = { kind: 'params'; fields: Fields } | { kind: 'bodyHash'; hash: string };

function modeOf(req: WebhookRequest, url: string): Mode {
  const hashes = bodyHashParams(url);
  if (hashes.length > 1) {
    throw new SignatureError('body_hash_mismatch', 'the URL holds more than one bodySHA256 parameter');
  }
  if (hashes.length === 1) return { kind: 'bodyHash', hash: hashes[0] };
  if (req.contentType === FORM_TYPE) return { kind: 'params', fields: formFields(req.rawBody.toString('utf8')) };
  // An empty body has nothing to authenticate beyond the URL (GET-style callbacks).
  if (req.rawBody.length === 0) return { kind: 'params', fields: new Map() };
  // Otherwise the signature would cover the URL but not the body: refuse rather than trust it.
  throw new SignatureError(
    'body_hash_mismatch',
    `a ${req.contentType || 'non-form'} body must be covered by a bodySHA256 parameter in the URL`,
  );
}

/** The exact text the signature covers, for the derived event ID. */
function signedText(req: WebhookRequest, o: TwilioOptions): string {
  const url = publicUrl(req.url, o);
  try {
    const mode = modeOf(req, url);
    return mode.kind === 'params' ? url + paramsContent(mode.fields, true) : url;
  } catch {
    // Only reachable when identify() runs without verify(); hash what was received instead.
    return url + sha256Hex(req.rawBody);
  }
}

/**
 * What a request is about, most specific resource first: a recording callback also carries the
 * CallSid, and a transcription callback the RecordingSid.
 */
const RESOURCES = [
  { type: 'transcription', sids: ['TranscriptionSid'], statuses: ['TranscriptionStatus'] },
  { type: 'recording', sids: ['RecordingSid'], statuses: ['RecordingStatus'] },
  { type: 'conference', sids: ['ConferenceSid'], statuses: ['StatusCallbackEvent'] },
  { type: 'message', sids: ['MessageSid', 'SmsSid'], statuses: ['MessageStatus', 'SmsStatus'] },
  { type: 'call', sids: ['CallSid'], statuses: ['CallStatus'] },
] as const;

function first(payload: Payload, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = readString(payload, name);
    if (value) return value;
  }
  return undefined;
}

interface Classified {
  key?: string;
  type: string;
}

/**
 * Event ID and type from the parameters. One SID receives several callbacks (a message goes
 * queued, sent, delivered), so the ID pairs the SID with the status, plus Twilio's
 * SequenceNumber where it sends one (call progress and conference events, where one status
 * can repeat). Voice requests that fetch TwiML (incoming call, <Gather> action, ...) repeat
 * the same CallSid and CallStatus with different content and carry no SequenceNumber, so
 * they get no key here and fall back to the content hash.
 */
function classify(payload: Payload): Classified | undefined {
  for (const resource of RESOURCES) {
    const sid = first(payload, resource.sids);
    if (!sid) continue;
    const status = first(payload, resource.statuses);
    const sequence = readString(payload, 'SequenceNumber');
    let type: string = status ? `${resource.type}.${status}` : resource.type;
    if (resource.type === 'message' && !readString(payload, 'MessageStatus') && status === 'received') {
      type = 'incoming.message';
    }
    const statusCallback = sequence !== undefined || readString(payload, 'CallbackSource') !== undefined;
    if (resource.type === 'call' && !statusCallback) {
      if (status === 'ringing' && readString(payload, 'Direction') === 'inbound') type = 'incoming.call';
      return { type };
    }
    return { key: [sid, status, sequence].filter((p) => p !== undefined).join(':'), type };
  }
  return undefined;
}

function matchVariants(secrets: readonly string[], signature: Buffer, contents: readonly string[]): number {
  // Every secret against every variant, so timing does not reveal which secret matched.
  let matched = -1;
  secrets.forEach((secret, index) => {
    for (const content of contents) {
      if (safeEqual(hmac('sha1', secret, Buffer.from(content, 'utf8')), signature) && matched === -1) matched = index;
    }
  });
  if (matched === -1) {
    throw new SignatureError('no_matching_signature', 'signature does not match any configured Auth Token');
  }
  return matched;
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export const twilioProvider: Provider<TwilioOptions> = {
  name: 'twilio',
  options: twilioOptions,
  secretHeaders: () => [SIGNATURE_HEADER],

  verify(req, { secrets, options: o }) {
    const signature = digestHeader(req.headers, SIGNATURE_HEADER, 'base64');

    const url = publicUrl(req.url, o);
    const mode = modeOf(req, url);
    const contents: string[] = [];
    for (const variant of portVariants(url)) {
      if (mode.kind === 'bodyHash') contents.push(variant);
      else {
        contents.push(variant + paramsContent(mode.fields, true));
        if (hasDuplicateValues(mode.fields)) contents.push(variant + paramsContent(mode.fields, false));
      }
    }
    const secretIndex = matchVariants(secrets, signature, contents);

    if (mode.kind === 'bodyHash') {
      // The hash is checked after the signature, so only a URL Twilio signed is trusted for it.
      const expected = decodeDigest(mode.hash, 'hex');
      if (!expected || !safeEqual(expected, Buffer.from(sha256Hex(req.rawBody), 'hex'))) {
        throw new SignatureError('body_hash_mismatch', 'the body does not match the bodySHA256 parameter of the URL');
      }
    }
    return { secretIndex };
  },

  identify(req, payload, { options: o }) {
    const classified = classify(payload);
    // Twilio keeps this token across retries of one webhook, so it is the best dedup key.
    const token = req.headers[IDEMPOTENCY_HEADER]?.trim();
    const id = token || classified?.key || sha256Hex(signedText(req, o));
    const timestamp = readString(payload, 'Timestamp');
    const parsed = timestamp ? Date.parse(timestamp) : Number.NaN;
    return {
      id,
      type: classified?.type ?? 'unknown',
      occurredAt: Number.isNaN(parsed) ? undefined : new Date(parsed),
    };
  },

  sign({ body, contentType, url, secret }, o) {
    const form = mediaType(contentType) === FORM_TYPE;
    let postUrl = url;
    if (!form) postUrl += `${url.includes('?') ? '&' : '?'}bodySHA256=${sha256Hex(body)}`;
    const signedUrl = publicUrl(postUrl, o);
    const content = form ? signedUrl + paramsContent(formFields(body.toString('utf8')), true) : signedUrl;
    const headers: Record<string, string> = {
      'content-type': contentType,
      [SIGNATURE_HEADER]: hmac('sha1', secret, Buffer.from(content, 'utf8')).toString('base64'),
      [IDEMPOTENCY_HEADER]: randomUUID(),
    };
    return { headers, body, url: postUrl, contentType };
  },

  sample(eventType) {
    const status = eventType?.replace(/^message\./, '') || 'delivered';
    const sid = `SM${randomHex(16)}`;
    const fields = {
      SmsSid: sid,
      SmsStatus: status,
      MessageStatus: status,
      To: '+15558675310',
      MessagingServiceSid: `MG${randomHex(16)}`,
      MessageSid: sid,
      AccountSid: `AC${randomHex(16)}`,
      From: '+15017122661',
      ApiVersion: '2010-04-01',
    };
    return { body: Buffer.from(new URLSearchParams(fields).toString()), contentType: FORM_TYPE };
  },
};
