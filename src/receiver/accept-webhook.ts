import { BadRequestError, UnsupportedMediaTypeError } from '../errors/http-errors';
import type { SourceConfig } from '../config/load-config';
import { parsePayload } from '../providers/payload';
import type { HandshakeReply, Payload, WebhookRequest } from '../providers/types';
import type { WebhookEvent } from '../types/webhook-event';
import { isSupported, SUPPORTED_TYPES } from './admit-request';

/**
 * Temporal refuses a workflow ID over 1000 bytes of UTF-8 (`limit.maxIDLength`), on every
 * delivery. An event's ID is `<source>:<eventId>` and a replay's adds `#replay-<n>`; with source
 * names of at most 64 characters, 400 bytes leaves room for both. No provider's IDs come near it.
 */
export const MAX_EVENT_ID_BYTES = 400;

/** Headers that carry credentials for any provider; never stored. */
const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie'];

export type Acceptance =
  | { readonly kind: 'handshake'; readonly reply: HandshakeReply }
  | {
      readonly kind: 'event';
      /** Everything but the body, whose form (inline or claim check) the receiver decides. */
      readonly event: Omit<WebhookEvent, 'body'>;
      readonly payload: Payload;
      /** The provider's single-use token, to be bound to this event before it is started. */
      readonly nonce?: string;
    };

/**
 * Step 3: answer a self-proving handshake, or verify, then parse, then identify: the trust
 * boundary in one pure function.
 * Throws SignatureError (401) or BadRequestError (400); never touches Temporal or MongoDB.
 */
export function acceptWebhook(source: SourceConfig, req: WebhookRequest, now: Date): Acceptance {
  const { provider, settings } = source;
  // A handshake that carries its own proof (or needs none) is answered instead of verified.
  const challenge = provider.challenge?.(req, settings, now);
  if (challenge) return { kind: 'handshake', reply: challenge };
  // GET is allowed only for a provider's handshake; it carries no event to verify.
  if ((req.method ?? 'POST') !== 'POST') {
    throw new BadRequestError(`${req.method} is answered only for the provider's handshake, and this is not one`);
  }
  if (provider.challenge && !isSupported(req.contentType)) throw new UnsupportedMediaTypeError(req.contentType || undefined, SUPPORTED_TYPES);
  const { secretIndex, nonce } = provider.verify(req, settings, now);
  const payload = parsePayload(req);
  const reply = provider.handshake?.(req, payload, settings);
  if (reply) return { kind: 'handshake', reply };

  const identity = provider.identify(req, payload, settings);
  if (!identity.id) throw new BadRequestError('the request carries no event ID');
  checkEventId(identity.id);
  if (identity.type.includes('\0')) throw new BadRequestError('event type contains a NUL character (U+0000)');
  const hidden = new Set([...ALWAYS_SECRET, ...provider.secretHeaders(settings.options)]);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !hidden.has(name))) as Record<string, string>;
  return {
    kind: 'event',
    ...(nonce === undefined ? {} : { nonce }),
    payload,
    event: {
      workflowId: `${source.name}:${identity.id}`,
      source: source.name,
      provider: provider.name,
      eventId: identity.id,
      type: identity.type,
      ...(identity.occurredAt && !Number.isNaN(identity.occurredAt.getTime())
        ? { occurredAt: identity.occurredAt.toISOString() }
        : {}),
      receivedAt: now.toISOString(),
      contentType: req.contentType,
      headers,
      secretIndex,
    },
  };
}

/**
 * The event ID names a workflow, and gRPC carries workflow IDs as UTF-8 strings: an ID Temporal
 * can never take is refused here, once, rather than answered 503 on every delivery (issue #6).
 * The event type needs no such check: it reaches Temporal only inside JSON payloads (workflow
 * input, search attribute), where JSON.stringify escapes a lone surrogate, and the search
 * attribute is cut to its size limit (src/temporal/keyword-value.ts).
 */
function checkEventId(id: string): void {
  // A lone surrogate (a JSON body's "\ud800") has no UTF-8 form: Temporal would fail to decode
  // the request. IDs from headers are read as latin1 and are always well formed.
  if (!id.isWellFormed()) {
    throw new BadRequestError('event ID is not valid Unicode (it contains a lone UTF-16 surrogate), so it cannot name a workflow');
  }
  // No provider sends one, and the event's record could not hold it (FerretDB over PostgreSQL
  // stores no U+0000 in a string): refused once rather than acknowledged and never recorded.
  if (id.includes('\0')) throw new BadRequestError('event ID contains a NUL character (U+0000)');
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_EVENT_ID_BYTES) {
    throw new BadRequestError(`event ID is ${bytes} bytes long in UTF-8; the limit is ${MAX_EVENT_ID_BYTES} bytes`);
  }
}
