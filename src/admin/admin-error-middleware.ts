import { isGrpcDeadlineError, isGrpcServiceError, ServiceError } from '@temporalio/client';
import type { Middleware } from 'koa';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { answerHttpError, answerInternalError } from '../errors/answer-error';
import { HttpError } from '../errors/http-errors';
import type { Logger } from '../logging/logger';

/** gRPC UNAVAILABLE: Temporal's frontend cannot be reached. */
const GRPC_UNAVAILABLE = 14;

/**
 * The one place the admin API turns errors into responses, as `{"error": ...}`: HttpErrors with
 * their status and message; Temporal or MongoDB unreachable as 503; anything else is logged in
 * full and answered with a bare 500. The message is left in `ctx.state.error` for the call log.
 */
export function adminErrorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        answerHttpError(ctx, error);
        ctx.state.error = error.message;
        return;
      }
      const down = unreachable(error);
      if (down) {
        ctx.status = 503;
        ctx.body = { error: `${down} is unreachable; try again later` };
        ctx.state.error = `${down} unreachable: ${(error as Error).message}`;
        return;
      }
      answerInternalError(ctx);
      ctx.state.error = 'internal error';
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled admin error');
    }
  };
}

function unreachable(error: unknown): 'Temporal' | 'MongoDB' | undefined {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return 'MongoDB';
  if (isGrpcDeadlineError(error)) return 'Temporal';
  const grpc = error instanceof ServiceError ? error.cause : error;
  if (isGrpcServiceError(grpc) && grpc.code === GRPC_UNAVAILABLE) return 'Temporal';
  return undefined;
}
