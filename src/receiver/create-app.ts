import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { Db } from 'mongodb';
import type { HookflowConfig } from '../config/load-config';
import {
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from '../errors/http-errors';
import { createOpsHandler } from '../health/create-ops-handler';
import { createReadiness } from '../health/create-readiness';
import { pingMongo } from '../health/ping-mongo';
import { pingTemporal } from '../health/ping-temporal';
import type { Logger } from '../logging/logger';
import { createReceiverMetrics, type ReceiverMetrics } from '../metrics/create-receiver-metrics';
import { measureDeliveries, type DeliveryState } from '../metrics/measure-deliveries';
import { FORM_TYPE, JSON_TYPE } from '../providers/payload';
import { resolvePlan } from '../routing/resolve-plan';
import type { BodyStore } from '../store/body-store';
import type { NonceStore } from '../store/nonce-store';
import { startProcessing } from '../temporal/start-processing';
import type { EventBody } from '../types/webhook-event';
import { acceptWebhook } from './accept-webhook';
import { claimNonce } from './claim-nonce';
import { errorMiddleware } from './error-middleware';
import { readBody } from './read-body';
import { createSourceRateLimits } from './source-rate-limits';
import { startFailureError } from './start-failure';
import { mediaType, publicUrl, toWebhookRequest } from './webhook-request';

export interface ReceiverDeps {
  readonly config: HookflowConfig;
  readonly temporal: Client;
  readonly logger: Logger;
  /** Injected so tests control time. */
  readonly now?: () => Date;
  /** Where single-use provider tokens are remembered, shared by every receiver (MongoDB). */
  readonly nonces: NonceStore;
  /** Where bodies over the claim-check threshold are stored before the workflow starts. */
  readonly bodies: BodyStore;
  /** The database of `nonces` and `bodies`, pinged by /readyz. */
  readonly db: Db;
  /** Served at /metrics; pass one in to read it. By default each app has its own registry. */
  readonly metrics?: ReceiverMetrics;
  /** True once shutdown has begun, so /readyz answers 503 while in-flight requests finish. */
  readonly stopping?: () => boolean;
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
  bodies,
  db,
  now = () => new Date(),
  metrics = createReceiverMetrics(),
  stopping = () => false,
}: ReceiverDeps): Koa<DeliveryState> {
  const app = new Koa<DeliveryState>();
  // With `proxy`, ctx.ip is the first X-Forwarded-For entry (and ctx.protocol/ctx.host follow
  // X-Forwarded-Proto/Host). That first entry is whatever the client wrote unless the proxy in
  // front replaces the header, so trustProxy must stay off unless it does: otherwise anyone can
  // claim an allowlisted address. (Behind one proxy that appends instead, `maxIpsCount = 1`
  // would take the entry that proxy added; we follow the simpler documented convention.)
  app.proxy = config.server.trustProxy;
  const router = new Router();
  const rateLimits = createSourceRateLimits(config.sources.values());

  const ops = createOpsHandler({
    readiness: createReadiness({
      checks: { temporal: (ms) => pingTemporal(temporal.connection, ms), mongodb: () => pingMongo(db) },
      phase: () => (stopping() ? 'stopping' : 'running'),
      logger,
    }),
    metrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() }),
  });
  // On the providers' port, like /webhooks: expose only /webhooks/ through the public proxy.
  router.get(['/healthz', '/readyz', '/metrics'], async (ctx) => {
    const answer = await ops(ctx.path);
    if (!answer) return;
    ctx.status = answer.status;
    ctx.type = answer.contentType;
    ctx.body = answer.body;
  });

  router.all('/webhooks/:source', measureDeliveries(metrics, (name) => config.sources.has(name)), async (ctx) => {
    // Debug level: free unless asked for, and then it shows a request that never completes.
    logger.debug({ method: ctx.method, path: ctx.path, ip: ctx.ip }, 'request started');
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
      ctx.state.answered = 'handshake';
      logger.info({ source: source.name }, 'answered provider handshake');
      return;
    }

    const { workflowId } = accepted.event;
    const retryAfter = config.server.retryAfterSeconds;
    if (accepted.nonce !== undefined) {
      const { toleranceSeconds } = source.settings;
      await claimNonce(nonces, source.name, accepted.nonce, workflowId, toleranceSeconds, received, retryAfter, logger);
    }
    let body: EventBody;
    if (rawBody.length > config.server.claimCheckBytes) {
      try {
        body = await bodies.put(rawBody);
      } catch (error) {
        logger.error({ err: error, workflowId, source: source.name }, 'cannot store the large body; answering 503');
        throw new ServiceUnavailableError('the event could not be durably accepted; retry later', retryAfter);
      }
    } else {
      body = { kind: 'inline', payload: accepted.payload, rawBase64: rawBody.toString('base64') };
    }
    const event = { ...accepted.event, body };
    const plan = resolvePlan(config, source.name, event.type, accepted.payload);
    let outcome;
    try {
      outcome = await startProcessing(
        temporal,
        { taskQueue: config.temporal.taskQueue, ackTimeoutMs: config.server.ackTimeoutMs, ordering: config.ordering },
        { event, plan },
      );
    } catch (error) {
      const answer = startFailureError(error, retryAfter);
      logger.error(
        { err: error, workflowId, source: source.name },
        answer.status === 503
          ? 'Temporal did not accept the workflow start; answering 503 so the provider retries'
          : `Temporal refused the workflow start as invalid; answering ${answer.status} so the provider stops retrying`,
      );
      throw answer;
    }
    ctx.status = 200;
    ctx.body = { status: outcome, workflowId };
    ctx.state.answered = outcome;
    logger.info(
      { workflowId, source: source.name, type: event.type, outcome, ...(plan.ordering ? { orderingKey: plan.ordering.key } : {}) },
      `event ${outcome}`,
    );
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
  app.use(errorMiddleware(logger, metrics.signatureFailures));
  app.use(router.routes());
  app.use(async (ctx) => {
    throw new NotFoundError(`no route for ${ctx.method} ${ctx.path}`);
  });
  return app;
}
