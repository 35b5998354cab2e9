import Router from '@koa/router';
import Koa from 'koa';
import { NotFoundError } from '../errors/http-errors';
import type { AdminDeps } from './admin-deps';
import { adminErrorMiddleware } from './admin-error-middleware';
import { cancelEvent } from './cancel-event';
import { checkBearerToken } from './check-bearer-token';
import { decodeCursor } from './event-cursor';
import { FILTER_FIELDS, parseEventFilter } from './event-filter';
import { listEvents } from './list-events';
import { logAdminCalls } from './log-admin-calls';
import { createPacer, type Pacer } from './pacer';
import { readJsonBody } from './read-json-body';
import { replayEvent } from './replay-event';
import { optionalBoolean, optionalString, parseLimit, parseReason, rejectUnknownFields } from './request-fields';
import { retryEvent } from './retry-event';
import { MAX_BULK_LIMIT, runBulk } from './run-bulk';
import { showEvent } from './show-event';
import { terminateEvent } from './terminate-event';
import { setPaused } from '../controls/set-paused';
import { reportAlert } from '../alerts/report-alert';
import { tellBreakerOfOperator } from '../breaker/tell-breaker';
import { createConsole } from '../console/create-console';

export interface AdminAppDeps extends AdminDeps {
  /** Aborted when the server shuts down: bulk runs stop between two events and report. */
  readonly shutdown?: AbortSignal;
  /** Paces bulk starts across all requests; default admin.bulkRatePerSecond. */
  readonly pacer?: Pacer;
}

export const MAX_PAGE_SIZE = 500;
const DEFAULT_PAGE_SIZE = 50;

/**
 * The admin API: a thin Koa shell over the operations in this folder. Every call is logged and
 * must carry `Authorization: Bearer <admin.token>`, checked before routing, so without the token
 * not even the existence of a route is revealed. JSON in and out.
 */
export function createAdminApp(deps: AdminAppDeps): Koa {
  const { token } = deps.config.admin;
  if (!token) throw new Error('the admin API needs admin.token (HOOKFLOW_ADMIN_TOKEN)');
  const { logger } = deps;
  const pacer = deps.pacer ?? createPacer(deps.config.admin.bulkRatePerSecond);
  const app = new Koa();
  const router = new Router();

  router.get('/events', async (ctx) => {
    const query = { ...ctx.query } as Record<string, unknown>;
    rejectUnknownFields(query, [...FILTER_FIELDS, 'limit', 'cursor']);
    const cursor = optionalString(query, 'cursor');
    ctx.body = await listEvents(deps.events, parseEventFilter(query), {
      limit: parseLimit(query, 'limit', { max: MAX_PAGE_SIZE, fallback: DEFAULT_PAGE_SIZE }),
      ...(cursor === undefined ? {} : { cursor: decodeCursor(cursor) }),
    });
  });

  router.get('/events/:id', async (ctx) => {
    ctx.body = await showEvent(deps, ctx.params.id);
  });

  for (const action of ['retry', 'replay'] as const) {
    // Bulk: by filter, with a required limit.
    router.post(`/events/${action}`, async (ctx) => {
      const body = await readJsonBody(ctx.req);
      rejectUnknownFields(body, [...FILTER_FIELDS, 'limit', 'dryRun', 'reason', 'includeReplays']);
      const request = {
        action,
        filter: parseEventFilter(body),
        limit: parseLimit(body, 'limit', { max: MAX_BULK_LIMIT }),
        dryRun: optionalBoolean(body, 'dryRun'),
        reason: parseReason(body, { required: false }),
        includeReplays: optionalBoolean(body, 'includeReplays'),
      };
      // Stop starting more when the caller goes away (Ctrl-C on the CLI) or the server stops.
      const left = new AbortController();
      ctx.res.once('close', () => {
        if (!ctx.res.writableFinished) left.abort('the client closed the connection');
      });
      const signal = deps.shutdown ? AbortSignal.any([left.signal, deps.shutdown]) : left.signal;
      ctx.body = await runBulk(deps, request, { pacer, signal });
    });

    router.post(`/events/:id/${action}`, async (ctx) => {
      const body = await readJsonBody(ctx.req);
      rejectUnknownFields(body, ['reason']);
      const options = { reason: parseReason(body, { required: false }) };
      ctx.body = action === 'retry' ? await retryEvent(deps, ctx.params.id, options) : await replayEvent(deps, ctx.params.id, options);
    });
  }

  // Pause and resume (issue #13): a destination's forwards, or a source's processing, hold durably.
  for (const kind of ['destination', 'source'] as const) {
    for (const action of ['pause', 'resume'] as const) {
      router.post(`/${kind}s/:name/${action}`, async (ctx) => {
        const body = await readJsonBody(ctx.req);
        rejectUnknownFields(body, ['reason']);
        const { name } = ctx.params;
        const known = kind === 'destination' ? deps.config.destinations.has(name) : deps.config.sources.has(name);
        if (!known) throw new NotFoundError(`no ${kind} named ${JSON.stringify(name)}`);
        if (!deps.controls) throw new Error('the admin API was started without the controls collection');
        const reason = parseReason(body, { required: false });
        ctx.body = await setPaused({ controls: deps.controls, events: deps.events, temporal: deps.temporal }, kind, name, action === 'pause', reason, (deps.now ?? (() => new Date()))());
        // destination.paused alerts hear of an operator's pause and resume too (src/alerts/).
        if (kind === 'destination') {
          const detail = action === 'pause' ? `paused by an operator${reason ? `: ${reason}` : ''}` : 'resumed by an operator';
          await reportAlert({ client: deps.temporal, taskQueue: deps.config.temporal.taskQueue, rules: deps.config.alerts.rules }, 'destination.paused', name, { kind: 'state', at: Date.now(), firing: action === 'pause', detail }).catch(
            (error: unknown) => deps.logger.warn({ err: error, destination: name }, 'paused state written, but its destination.paused alert could not be told'),
          );
          // Its circuit breaker, if open, lets go at once rather than at its next cool-down.
          await tellBreakerOfOperator(deps.temporal, deps.config.temporal.taskQueue, name).catch(
            (error: unknown) => deps.logger.warn({ err: error, destination: name }, 'paused state written, but its circuit breaker could not be told'),
          );
        }
      });
    }
  }

  router.post('/events/:id/terminate', async (ctx) => {
    const body = await readJsonBody(ctx.req);
    rejectUnknownFields(body, ['reason']);
    ctx.body = await terminateEvent(deps, ctx.params.id, parseReason(body, { required: true })!);
  });

  router.post('/events/:id/cancel', async (ctx) => {
    const body = await readJsonBody(ctx.req);
    rejectUnknownFields(body, ['reason']);
    ctx.body = await cancelEvent(deps, ctx.params.id, parseReason(body, { required: true })!);
    ctx.status = 202; // requested: the workflow records `cancelled` once its handlers have stopped
  });

  // What errorMiddleware could not answer because the socket is gone (a client that hung up).
  app.on('error', (error: Error & { code?: string }, ctx?: Koa.Context) => {
    logger.warn({ code: error.code, error: error.message, method: ctx?.method, path: ctx?.path }, 'admin connection ended early');
  });
  app.use(logAdminCalls(logger));
  app.use(adminErrorMiddleware(logger));
  // The web console (/console, src/console/): its own pages, and the routes below with its session.
  app.use(createConsole(deps, { ...(deps.shutdown ? { shutdown: deps.shutdown } : {}) }));
  app.use(async (ctx, next) => {
    // A console call signed in with the token already (its session stands in for the header).
    if (ctx.state.consoleSession !== true) checkBearerToken(ctx.get('authorization') || undefined, token);
    await next();
  });
  app.use(router.routes());
  app.use(async (ctx) => {
    throw new NotFoundError(`no route for ${ctx.method} ${ctx.path}`);
  });
  return app;
}
