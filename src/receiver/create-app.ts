import Router from '@koa/router';
import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { Db } from 'mongodb';
import type { HookflowConfig } from '../config/load-config';
import { NotFoundError } from '../errors/http-errors';
import { createOpsHandler } from '../health/create-ops-handler';
import { createReadiness, type DependencyCheck } from '../health/create-readiness';
import { pingMongo } from '../health/ping-mongo';
import { pingTemporal } from '../health/ping-temporal';
import type { Logger } from '../logging/logger';
import { createReceiverMetrics, type ReceiverMetrics } from '../metrics/create-receiver-metrics';
import { measureDeliveries, type DeliveryState } from '../metrics/measure-deliveries';
import type { BodyStore } from '../store/body-store';
import { hookSecrets } from '../store/hook-secrets';
import type { NonceStore } from '../store/nonce-store';
import { acceptWebhook } from './accept-webhook';
import { admitRequest } from './admit-request';
import { answerEvent } from './answer-event';
import { answerHandshake } from './answer-handshake';
import { errorMiddleware } from './error-middleware';
import { learnHookSecret } from './learn-hook-secret';
import { queryOf } from '../filters/query-of';
import { traceRequests } from '../telemetry/trace-requests';
import { planEvent } from './plan-event';
import { readRequest } from './read-request';
import { createSourceRateLimits } from './source-rate-limits';
import { ingressRecords } from './ingress-records';
import { recordReceived } from './record-received';
import { startEvent } from './start-event';

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
  /** More /readyz checks beside Temporal's and MongoDB's (under `hookflow start`: the servers it is restarting). */
  readonly readinessChecks?: Readonly<Record<string, DependencyCheck>>;
  /** With tracing on (src/telemetry/): each delivery is a span, the root of its event's trace. */
  readonly tracer?: Tracer;
}

/**
 * The receiver: a thin Koa shell around a pipeline of named steps (admit, read, verify, answer a
 * handshake, plan, start, answer). It answers 2xx only after Temporal has durably accepted the
 * workflow start.
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
  readinessChecks = {},
  tracer,
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
  const records = ingressRecords(db);

  const ops = createOpsHandler({
    readiness: createReadiness({
      checks: { temporal: (ms) => pingTemporal(temporal.connection, ms), mongodb: () => pingMongo(db), ...readinessChecks },
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
    // The request's path, one named step each (src/receiver/): a step is one call inserted here.
    admitRequest(ctx, source, rateLimits);
    const request = await readRequest(ctx, source, config.server.publicUrl);
    const received = now();
    const learned = await learnHookSecret(source, request, hookSecrets(db), received, config.server.retryAfterSeconds, logger);
    if ('reply' in learned) return answerHandshake(ctx, source.name, learned.reply, logger);
    const accepted = acceptWebhook(learned.source, request, received);
    if (accepted.kind === 'handshake') return answerHandshake(ctx, source.name, accepted.reply, logger);
    const input = await planEvent({ config, nonces, bodies, logger }, source, accepted, request.rawBody, received, queryOf(request.url));
    // A record that says the event already ran makes it a duplicate even after Temporal forgot it.
    const toStart = await recordReceived(records, input, received, logger);
    const outcome = toStart === 'duplicate' ? toStart : await startEvent({ config, temporal, logger }, toStart);
    answerEvent(ctx, source, input, outcome, accepted.payload, logger);
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
  // Step 0, before the error middleware so its log lines and answers are inside the span too.
  if (tracer) app.use(traceRequests(tracer));
  app.use(errorMiddleware(logger, metrics.signatureFailures));
  app.use(router.routes());
  app.use(async (ctx) => {
    throw new NotFoundError(`no route for ${ctx.method} ${ctx.path}`);
  });
  return app;
}
