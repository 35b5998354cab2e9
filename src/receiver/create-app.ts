import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { HookflowConfig } from '../config/load-config';
import {
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from '../errors/http-errors';
import type { Logger } from '../logging/logger';
import { FORM_TYPE, JSON_TYPE } from '../providers/payload';
import { resolvePlan } from '../routing/resolve-plan';
import type { NonceStore } from '../store/nonce-store';
import { startProcessing } from '../temporal/start-processing';
import { acceptWebhook } from './accept-webhook';
import { claimNonce } from './claim-nonce';
import { errorMiddleware } from './error-middleware';
import { readBody } from './read-body';
import { SignatureFailureCounter } from './signature-failures';
import { createSourceRateLimits } from './source-rate-limits';
import { mediaType, publicUrl, toWebhookRequest } from './webhook-request';

export interface ReceiverDeps {
  readonly config: HookflowConfig;
  readonly temporal: Client;
  readonly logger: Logger;
  /** Injected so tests control time. */
  readonly now?: () => Date;
  /** Where single-use provider tokens are remembered, shared by every receiver (MongoDB). */
  readonly nonces: NonceStore;
  /** Signature failures by source and reason; pass one in to read it (tests, /metrics). */
  readonly signatureFailures?: SignatureFailureCounter;
}

const SUPPORTED_TYPES = [JSON_TYPE, FORM_TYPE];

function isSupported(type: string): boolean {
  return SUPPORTED_TYPES.includes(type) || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * The receiver: a thin Koa shell around acceptWebhook and startProcessing. It answers 2xx only
 * after Temporal has durably accepted the workflow start.
 */
export function createApp({
  config,
  temporal,
  logger,
  nonces,
  now = () => new Date(),
  signatureFailures = new SignatureFailureCounter(),
}: ReceiverDeps): Koa {
  const app = new Koa();
  // With `proxy`, ctx.ip is the first X-Forwarded-For entry (and ctx.protocol/ctx.host follow
  // X-Forwarded-Proto/Host). That first entry is whatever the client wrote unless the proxy in
  // front replaces the header, so trustProxy must stay off unless it does: otherwise anyone can
  // claim an allowlisted address. (Behind one proxy that appends instead, `maxIpsCount = 1`
  // would take the entry that proxy added; we follow the simpler documented convention.)
  app.proxy = config.server.trustProxy;
  const router = new Router();
  const rateLimits = createSourceRateLimits(config.sources.values());

  // Liveness only; readiness (Temporal and MongoDB reachable) comes with the operations work.
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.all('/webhooks/:source', async (ctx) => {
    const source = config.sources.get(ctx.params.source);
    if (!source) throw new NotFoundError(`no source named ${JSON.stringify(ctx.params.source)}`);
    // Everything before readBody is decided on headers alone, so a refused sender costs no body
    // read, no signature check and no Temporal call. The allowlist comes before the rate limit
    // so strangers cannot spend the tokens of the provider the source exists for.
    if (source.allowIps && !source.allowIps.allows(ctx.ip)) {
      throw new ForbiddenError(`address ${ctx.ip || '(unknown)'} may not deliver to this source`);
    }
    if (ctx.method !== 'POST') throw new MethodNotAllowedError(['POST']);
    const type = mediaType(ctx.get('content-type'));
    if (!isSupported(type)) throw new UnsupportedMediaTypeError(ctx.get('content-type') || undefined, SUPPORTED_TYPES);
    // Last of the cheap checks, so only requests whose body would be read spend a token.
    rateLimits.take(source.name);

    const rawBody = await readBody(ctx.req, source.maxBodyBytes);
    const received = now();
    const request = toWebhookRequest(ctx, rawBody, publicUrl(ctx, config.server.publicUrl));
    const accepted = acceptWebhook(source, request, received);
    if (accepted.kind === 'handshake') {
      ctx.status = accepted.reply.status;
      ctx.body = accepted.reply.body as Koa.Context['body'];
      logger.info({ source: source.name }, 'answered provider handshake');
      return;
    }

    const { event } = accepted.input;
    if (accepted.nonce !== undefined) {
      const { toleranceSeconds } = source.settings;
      const retryAfter = config.server.retryAfterSeconds;
      await claimNonce(nonces, source.name, accepted.nonce, event.workflowId, toleranceSeconds, received, retryAfter, logger);
    }
    const plan = resolvePlan(config, source.name, event.type);
    let outcome;
    try {
      outcome = await startProcessing(
        temporal,
        { taskQueue: config.temporal.taskQueue, ackTimeoutMs: config.server.ackTimeoutMs },
        { event, plan },
      );
    } catch (error) {
      logger.error(
        { err: error, workflowId: event.workflowId, source: source.name },
        'Temporal did not accept the workflow start; answering 503 so the provider retries',
      );
      throw new ServiceUnavailableError(
        'the event could not be durably accepted; retry later',
        config.server.retryAfterSeconds,
      );
    }
    ctx.status = 200;
    ctx.body = { status: outcome, workflowId: event.workflowId };
    logger.info({ workflowId: event.workflowId, source: source.name, type: event.type, outcome }, `event ${outcome}`);
  });

  // Koa emits 'error' only for what errorMiddleware could not answer because the socket is gone:
  // a client that hung up, or one Node cut off at headersTimeoutMs/requestTimeoutMs. Log it
  // instead of Koa's default, which prints a stack trace to stderr for every slow client.
  app.on('error', (error: Error & { code?: string }, ctx?: Koa.Context) => {
    logger.warn(
      { code: error.code, error: error.message, method: ctx?.method, path: ctx?.path, ip: ctx?.ip },
      'connection ended before the response was sent',
    );
  });
  app.use(errorMiddleware(logger, signatureFailures));
  app.use(router.routes());
  app.use(async (ctx) => {
    throw new NotFoundError(`no route for ${ctx.method} ${ctx.path}`);
  });
  return app;
}
