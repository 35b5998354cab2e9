import type { Middleware } from 'koa';
import { answerHttpError, answerInternalError } from '../errors/answer-error';
import { HttpError, SignatureError } from '../errors/http-errors';
import type { Logger } from '../logging/logger';
import type { SignatureFailureCounter } from './signature-failures';

/**
 * The one place errors become responses: HttpErrors answer their status and message as
 * `{"error": ...}`; anything else is logged in full and answered with a bare 500. Being the one
 * place, it is also where signature failures are counted, so none is counted twice or missed.
 */
export function errorMiddleware(logger: Logger, signatureFailures: SignatureFailureCounter): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        answerHttpError(ctx, error);
        const source: string | undefined = ctx.params?.source;
        const reason = error instanceof SignatureError ? error.reason : undefined;
        if (reason && source) signatureFailures.increment(source, reason);
        logger.warn(
          { status: error.status, method: ctx.method, path: ctx.path, source, reason, ip: ctx.ip },
          `rejected: ${error.message}`,
        );
        return;
      }
      answerInternalError(ctx);
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error');
    }
  };
}
