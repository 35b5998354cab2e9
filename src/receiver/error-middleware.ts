import type { Middleware } from 'koa';
import { HttpError, SignatureError } from '../errors/http-errors';
import type { Logger } from '../logging/logger';

/**
 * The one place errors become responses: HttpErrors answer their status and message as
 * `{"error": ...}`; anything else is logged in full and answered with a bare 500.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = { error: error.message };
        const reason = error instanceof SignatureError ? error.reason : undefined;
        logger.warn(
          { status: error.status, method: ctx.method, path: ctx.path, source: ctx.params?.source, reason },
          `rejected: ${error.message}`,
        );
        return;
      }
      ctx.status = 500;
      ctx.body = { error: 'internal error' };
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error');
    }
  };
}
