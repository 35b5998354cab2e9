import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type { AdminDeps } from '../admin/admin-deps';
import { readJsonBody } from '../admin/read-json-body';
import { showEvent } from '../admin/show-event';
import { optionalString, rejectUnknownFields } from '../admin/request-fields';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors/http-errors';
import { createAckLatencySampler } from './ack-latency-sampler';
import { checkCsrf } from './check-csrf';
import { createConsoleAssets, type ConsoleAssets } from './console-assets';
import { SignInRequiredError, SignInThrottledError } from './console-errors';
import { CONSOLE_PAGE, isConsolePage } from './console-page';
import { createConsoleSessions, type ConsoleSession, type ConsoleSessions } from './console-sessions';
import { destinationStats } from './destination-stats';
import { findEvents } from './find-events';
import { overviewStats } from './overview-stats';
import { rawBody } from './raw-body';
import { redactHeaders } from './redact-headers';
import { sameSecret } from './same-secret';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle';
import { readSessionCookie, sessionCookie } from './session-cookie';
import { sourceStats } from './source-stats';

export interface ConsoleOptions {
  readonly sessions?: ConsoleSessions;
  readonly assets?: ConsoleAssets;
  readonly signInThrottle?: SignInThrottle;
  /** Stops the ack-latency sampler. */
  readonly shutdown?: AbortSignal;
  /** How often ack latency is sampled for the Overview's chart (a minute). */
  readonly latencySampleMs?: number;
}

/** The admin API's routes, reached from the console under this prefix with the session. */
export const ADMIN_API_PREFIX = '/console/api/admin';

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The web console (issue #14) at /console, inside the admin server and so only on when the admin
 * token is set. Signing in with the token opens a server-side session (an HttpOnly,
 * SameSite=Strict cookie); every page but sign-in and every API call needs it, and every
 * state-changing call also needs the session's CSRF token and our own Origin.
 *
 * Its data comes from the admin API itself: `/console/api/admin/<route>` runs the admin route
 * `/<route>` (list, show, retry, replay, cancel, terminate, pause, resume) with the session
 * standing in for the bearer token, so the console cannot drift from the API. The console's own
 * routes add what only a page needs: the Sources, Destinations and Overview figures, the event-ID
 * search and the raw body download.
 *
 * Put before the admin API's bearer check; requests outside /console pass through untouched.
 */
export function createConsole(deps: AdminDeps, options: ConsoleOptions = {}): Middleware {
  const token = deps.config.admin.token;
  if (!token) throw new Error('the console needs admin.token (HOOKFLOW_ADMIN_TOKEN)');
  const sessions = options.sessions ?? createConsoleSessions({ now: deps.now });
  const throttle = options.signInThrottle ?? createSignInThrottle();
  const assets = options.assets ?? createConsoleAssets((line) => deps.logger.info(line));
  // Build a missing or stale bundle now, at admin start, rather than on the first page load.
  assets.read('app.js').catch((error: Error) => deps.logger.warn({ error: error.message }, 'the console bundle could not be built; the console pages will fail'));
  const ackLatency = deps.receiverMetrics ? createAckLatencySampler(deps.receiverMetrics, { intervalMs: options.latencySampleMs }) : undefined;
  options.shutdown?.addEventListener('abort', () => ackLatency?.stop(), { once: true });

  const api = new Router<{ session: ConsoleSession }>({ prefix: '/console/api' });
  api.get('/session', (ctx) => {
    ctx.body = { csrfToken: ctx.state.session.csrfToken, expiresAt: ctx.state.session.expiresAt };
  });
  api.delete('/session', (ctx) => {
    sessions.delete(readSessionCookie(ctx.get('cookie'))!);
    ctx.set('Set-Cookie', sessionCookie('', { maxAgeSeconds: 0, secure: isHttps(ctx) }));
    ctx.status = 204;
  });
  api.get('/sources', async (ctx) => {
    ctx.body = { sources: await sourceStats(deps) };
  });
  api.get('/destinations', async (ctx) => {
    ctx.body = { destinations: await destinationStats(deps) };
  });
  api.get('/overview', async (ctx) => {
    ctx.body = await overviewStats({ events: deps.events, ackLatency, now: deps.now });
  });
  api.get('/search', async (ctx) => {
    const query = { ...ctx.query } as Record<string, unknown>;
    rejectUnknownFields(query, ['q']);
    const q = optionalString(query, 'q', 1_000);
    if (q === undefined) throw new BadRequestError('q is required: an event ID or workflow ID');
    ctx.body = { events: await findEvents(deps.events, q.trim()) };
  });
  api.get('/events/:id', async (ctx) => {
    // The admin API's showEvent, with headers redacted once more for the page.
    const details = await showEvent(deps, ctx.params.id);
    ctx.body = details.event ? { ...details, event: { ...details.event, headers: redactHeaders(details.event.headers) } } : details;
  });
  api.get('/events/:id/raw', async (ctx) => {
    const { bytes, contentType } = await rawBody(deps, ctx.params.id);
    ctx.set('Content-Type', contentType);
    // Served as a download, never rendered: the bytes are the sender's.
    ctx.set('Content-Disposition', `attachment; filename="${ctx.params.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.body"`);
    ctx.body = bytes;
  });
  const apiRoutes = api.routes();

  return async (ctx: Context, next: Next) => {
    const { path } = ctx;
    if (path !== '/console' && !path.startsWith('/console/')) return next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) ctx.set(name, value);

    if (ctx.method === 'GET' && (path === '/console/assets/app.js' || path === '/console/assets/app.css')) {
      // Public: the sign-in page needs them, and they hold code only, no data.
      ctx.type = path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = await assets.read(path.endsWith('.js') ? 'app.js' : 'app.css');
      return;
    }
    if (ctx.method === 'POST' && path === '/console/api/session') return signIn(ctx);

    const session = currentSession(ctx);
    if (!path.startsWith('/console/api/')) {
      if (ctx.method !== 'GET' || !isConsolePage(path)) throw new NotFoundError(`no console page ${ctx.method} ${path}`);
      if (!session && path !== '/console/sign-in') {
        ctx.status = 303;
        ctx.redirect('/console/sign-in');
        ctx.body = { error: 'sign in to the console first' };
        return;
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = CONSOLE_PAGE;
      return;
    }

    if (!session) throw new SignInRequiredError();
    ctx.set('Cache-Control', 'no-store');
    if (!['GET', 'HEAD'].includes(ctx.method)) {
      checkCsrf({ origin: ctx.get('origin') || undefined, ownOrigin: ownOrigin(ctx), csrfHeader: ctx.get('x-csrf-token') || undefined, csrfToken: session.csrfToken });
    }
    if (path.startsWith(`${ADMIN_API_PREFIX}/`)) {
      // The admin API's own route, with the session instead of the bearer token.
      ctx.state.consoleSession = true;
      ctx.path = path.slice(ADMIN_API_PREFIX.length);
      try {
        return await next();
      } finally {
        ctx.path = path; // the call log names the address the browser used
      }
    }
    ctx.state.session = session;
    await apiRoutes(ctx as Parameters<typeof apiRoutes>[0], async () => {
      throw new NotFoundError(`no console API ${ctx.method} ${path}`);
    });
  };

  async function signIn(ctx: Context): Promise<void> {
    // A sign-in form posted from another site must not log a browser in either.
    const origin = ctx.get('origin');
    if (origin && origin !== ownOrigin(ctx)) throw new ForbiddenError(`cross-origin sign-in refused (Origin ${JSON.stringify(origin)})`);
    const allowed = throttle.take(ctx.ip);
    if (!allowed.allowed) throw new SignInThrottledError(allowed.retryAfterSeconds);
    const body = await readJsonBody(ctx.req);
    rejectUnknownFields(body, ['token']);
    const given = body.token;
    if (typeof given !== 'string' || given === '') throw new SignInRequiredError('send {"token": "<admin token>"} to sign in');
    if (!sameSecret(given, token!)) throw new ForbiddenError('wrong admin token');
    const session = sessions.create();
    const maxAgeSeconds = (session.expiresAt.getTime() - Date.now()) / 1000;
    ctx.set('Set-Cookie', sessionCookie(session.id, { maxAgeSeconds, secure: isHttps(ctx) }));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    deps.logger.info({ ip: ctx.ip }, 'console sign-in');
  }

  function currentSession(ctx: Context): ConsoleSession | undefined {
    const id = readSessionCookie(ctx.get('cookie'));
    return id === undefined ? undefined : sessions.get(id);
  }
}

/** HTTPS directly, or through a proxy that says so: the cookie then gets `Secure`. */
function isHttps(ctx: Context): boolean {
  return ctx.secure || ctx.get('x-forwarded-proto').split(',')[0]?.trim() === 'https';
}

/** The origin the browser addressed: scheme and Host, as its `Origin` header would say. */
function ownOrigin(ctx: Context): string {
  return `${isHttps(ctx) ? 'https' : 'http'}://${ctx.get('host')}`;
}
