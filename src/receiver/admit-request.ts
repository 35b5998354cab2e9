import type { Context } from 'koa';
import type { SourceConfig } from '../config/load-config';
import { ForbiddenError, MethodNotAllowedError, UnsupportedMediaTypeError } from '../errors/http-errors';
import { FORM_TYPE, JSON_TYPE } from '../providers/payload';
import type { createSourceRateLimits } from './source-rate-limits';
import { mediaType } from './webhook-request';

type SourceRateLimits = ReturnType<typeof createSourceRateLimits>;

export const SUPPORTED_TYPES = [JSON_TYPE, FORM_TYPE];

export function isSupported(type: string): boolean {
  return SUPPORTED_TYPES.includes(type) || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The methods a source answers: its provider's (GET for Meta, Dropbox, Okta handshakes), else POST. */
export function allowedMethods(source: SourceConfig): readonly string[] {
  return source.provider.methods ?? ['POST'];
}

/**
 * Step 1, on headers alone, so a refused sender costs no body read, no signature check and no
 * Temporal call. The allowlist comes before the rate limit so strangers cannot spend the tokens
 * of the provider the source exists for.
 */
export function admitRequest(ctx: Context, source: SourceConfig, rateLimits: SourceRateLimits): void {
  if (source.allowIps && !source.allowIps.allows(ctx.ip)) {
    throw new ForbiddenError(`address ${ctx.ip || '(unknown)'} may not deliver to this source`);
  }
  const methods = allowedMethods(source);
  if (!methods.includes(ctx.method)) throw new MethodNotAllowedError([...methods]);
  // A body-less request (a GET handshake) has no media type to check; for a provider with a
  // handshake of its own (Graph's validation POST is text/plain) acceptWebhook checks it after.
  const bodyless = ctx.method === 'GET' || ctx.get('content-length') === '0' || source.provider.challenge !== undefined;
  const type = mediaType(ctx.get('content-type'));
  if (!bodyless && !isSupported(type)) throw new UnsupportedMediaTypeError(ctx.get('content-type') || undefined, SUPPORTED_TYPES);
  // Last of the cheap checks, so only requests whose body would be read spend a token.
  rateLimits.take(source.name);
}
