import type { Context } from 'koa';
import type { Logger } from '../logging/logger';
import type { HandshakeReply } from '../providers/types';

/**
 * Send a reply exactly as the provider expects it: a string with a text type as is (Meta,
 * Dropbox and Graph want the bare challenge), anything else as JSON, no body when there is none
 * (Discord's 204).
 */
export function sendReply(ctx: Context, reply: HandshakeReply): void {
  ctx.status = reply.status;
  if (reply.headers) ctx.set(reply.headers as Record<string, string>);
  if (reply.body === undefined) {
    ctx.body = null;
    ctx.status = reply.status; // Koa turns a null body into 204; keep the provider's status
    return;
  }
  if (reply.contentType && !reply.contentType.includes('json') && typeof reply.body === 'string') {
    ctx.type = reply.contentType;
    ctx.body = reply.body;
    return;
  }
  ctx.type = reply.contentType ?? 'application/json';
  ctx.body = JSON.stringify(reply.body);
}

/**
 * Step 4: a handshake starts no workflow. It is answered, logged (with the values the operator
 * must read, such as Notion's verification_token, at info: a level that is on by default) and
 * counted as `outcome="handshake"`.
 */
export function answerHandshake(ctx: Context, source: string, reply: HandshakeReply, logger: Logger): void {
  sendReply(ctx, reply);
  ctx.state.answered = 'handshake';
  logger.info({ source, status: reply.status, ...(reply.logged ? { handshake: reply.logged } : {}) }, 'answered provider handshake');
}
