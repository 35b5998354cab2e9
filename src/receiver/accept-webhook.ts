import { BadRequestError } from '../errors/http-errors';
import type { SourceConfig } from '../config/load-config';
import { parsePayload } from '../providers/payload';
import type { HandshakeReply, Payload, WebhookRequest } from '../providers/types';
import type { WebhookEvent } from '../types/webhook-event';

/** Workflow IDs are bounded by Temporal; no provider's IDs come near this. */
const MAX_EVENT_ID_LENGTH = 400;

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
 * Verify, then parse, then identify: the trust boundary in one pure function.
 * Throws SignatureError (401) or BadRequestError (400); never touches Temporal or MongoDB.
 */
export function acceptWebhook(source: SourceConfig, req: WebhookRequest, now: Date): Acceptance {
  const { provider, settings } = source;
  const { secretIndex, nonce } = provider.verify(req, settings, now);
  const payload = parsePayload(req);
  const reply = provider.handshake?.(req, payload, settings);
  if (reply) return { kind: 'handshake', reply };

  const identity = provider.identify(req, payload, settings);
  if (!identity.id) throw new BadRequestError('the request carries no event ID');
  if (identity.id.length > MAX_EVENT_ID_LENGTH) {
    throw new BadRequestError(`event ID is longer than ${MAX_EVENT_ID_LENGTH} characters`);
  }
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
