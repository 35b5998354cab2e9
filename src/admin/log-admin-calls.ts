import type { Middleware } from 'koa';
import type { Logger } from '../logging/logger';

/**
 * One log line per admin call, whatever its outcome: who (address), what (method, path, query),
 * the status and the error if any. Headers are never logged, so the token cannot be.
 */
export function logAdminCalls(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = ctx.status;
      const line = {
        method: ctx.method,
        path: ctx.path,
        ...(ctx.querystring ? { query: ctx.querystring } : {}),
        status,
        ms: Math.round(performance.now() - started),
        ip: ctx.ip,
        ...(ctx.state.error ? { error: ctx.state.error as string } : {}),
      };
      if (status >= 500) logger.error(line, 'admin call');
      else if (status >= 400) logger.warn(line, 'admin call');
      else logger.info(line, 'admin call');
    }
  };
}
