import { BadRequestError, UnsupportedMediaTypeError } from '../errors/http-errors';
import type { SourceConfig } from '../config/load-config';
import { parsePayload } from '../providers/payload';
import type { HandshakeReply, Payload, WebhookRequest } from '../providers/types';
import type { WebhookEvent } from '../types/webhook-event';
import { isSupported, SUPPORTED_TYPES } from './admit-request';
import { buildEvent } from './build-event';

// Where the event is built and its ID checked, shared with reconciliation's recovered events.
export { MAX_EVENT_ID_BYTES } from './build-event';

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

  return {
    kind: 'event',
    ...(nonce === undefined ? {} : { nonce }),
    payload,
    event: buildEvent(source, req, payload, { secretIndex }, now),
  };
}
