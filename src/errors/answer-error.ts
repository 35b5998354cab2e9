import type { Context } from 'koa';
import type { HttpError } from './http-errors';

/** An HttpError as the response every hookflow endpoint gives: its status and headers, `{"error": ...}`. */
export function answerHttpError(ctx: Context, error: HttpError): void {
  ctx.status = error.status;
  ctx.set(error.headers);
  ctx.body = { error: error.message };
}

/** Anything unexpected: a bare 500, the details going to the log only, never to the client. */
export function answerInternalError(ctx: Context): void {
  ctx.status = 500;
  ctx.body = { error: 'internal error' };
}
