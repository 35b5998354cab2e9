import { BadRequestError, SignatureError } from '../../errors/http-errors';
import { select, type SelectContext } from '../schemes/selector';
import { tokenEquals } from '../schemes/token-match';
import type { HandshakeReply, Payload, SourceSettings, WebhookRequest } from '../types';
import type { Condition, Handshake, Reply } from './preset';

export function matches(conditions: readonly Condition[], ctx: SelectContext): boolean {
  return conditions.every(({ select: selector, equals, absent }) => {
    const value = select(selector, ctx);
    if (absent) return value === undefined;
    return value !== undefined && (equals === undefined || value === equals);
  });
}

/** A Reply as the receiver sends it: the echoed value put in place, text left as text. */
export function toReply(reply: Reply, ctx: SelectContext): HandshakeReply {
  let body = reply.body;
  if (reply.echo !== undefined) {
    const value = select(reply.echo, ctx);
    if (value === undefined) throw new BadRequestError(`handshake without ${reply.echo}`);
    body = reply.echoAs ? { [reply.echoAs]: value } : value;
  }
  const logged = reply.log === undefined ? undefined : select(reply.log, ctx);
  return {
    status: reply.status,
    ...(body === undefined ? {} : { body }),
    ...(reply.contentType ? { contentType: reply.contentType } : {}),
    ...(reply.headers ? { headers: reply.headers } : {}),
    ...(logged === undefined ? {} : { logged: { [reply.log as string]: logged } }),
  };
}

/**
 * The handshakes answered before the signature check: `challenge` (after its own proof) and
 * `unsigned` pings. `verify` runs the source's scheme, for challenges that carry its credential.
 */
export function answerBeforeVerify(
  handshakes: readonly Handshake[],
  req: WebhookRequest,
  settings: SourceSettings<Record<string, unknown>>,
  verify: () => void,
  payload: () => Payload,
): HandshakeReply | undefined {
  const method = req.method ?? 'POST';
  for (const handshake of handshakes) {
    if (handshake.kind === 'signed') continue;
    if (handshake.kind === 'challenge' && (handshake.method ?? 'POST') !== method) continue;
    // Conditions on the body parse it; only an unsigned ping has one worth reading here.
    const ctx: SelectContext = { req, payload: handshake.kind === 'unsigned' ? payload() : undefined };
    if (!matches(handshake.when, ctx)) continue;
    if (handshake.kind === 'challenge') {
      if (handshake.token) {
        const expected = settings.options[handshake.token.option];
        const presented = select(handshake.token.select, ctx);
        if (presented === undefined) throw new SignatureError('missing_signature', `handshake without ${handshake.token.select}`);
        if (typeof expected !== 'string' || !tokenEquals(presented, expected)) {
          throw new SignatureError('no_matching_signature', `${handshake.token.select} is not the configured ${handshake.token.option}`);
        }
      }
      if (handshake.verify) verify();
    }
    return toReply(handshake.reply, ctx);
  }
  return undefined;
}

/** The `signed` handshakes, checked once the request verified. */
export function answerAfterVerify(handshakes: readonly Handshake[], req: WebhookRequest, payload: Payload): HandshakeReply | undefined {
  const ctx = { req, payload };
  const handshake = handshakes.find((h) => h.kind === 'signed' && matches(h.when, ctx));
  return handshake ? toReply(handshake.reply, ctx) : undefined;
}
