import { startAdminServer } from '../admin/start-admin-server';
import { startSignatureAlertFeed } from '../alerts/signature-alert-feed';
import { env } from '../config/env';
import { loadConfig } from '../config/load-config';
import { stackServerChecks } from '../health/stack-server-checks';
import { createLogger } from '../logging/logger';
import { createReceiverMetrics } from '../metrics/create-receiver-metrics';
import { registerStackRestarts } from '../metrics/stack-restarts-counter';
import { startReceiver } from '../receiver/start-receiver';
import { createBodyStore } from '../store/body-store';
import { createNonceStore } from '../store/nonce-store';
import { openStore } from '../store/open-store';
import { createTemporalClient } from '../temporal/connect';
import { clientInterceptors } from '../telemetry/client-interceptors';
import { startTracing } from '../telemetry/start-tracing';

/** `hookflow receiver`: serve until SIGTERM/SIGINT, then finish in-flight requests and exit. */
export async function runReceiver(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger('hookflow-receiver');
  // Off (undefined) unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then no span, exporter or interceptor exists.
  const tracing = startTracing('hookflow-receiver');
  const temporal = createTemporalClient(config.temporal.address, config.temporal.namespace, clientInterceptors(tracing));
  // Lazy: the receiver starts while MongoDB is down; only single-use tokens and large bodies need it.
  const store = await openStore(config.mongodb.uri, config.mongodb.database, {
    lazy: true,
    onRenewed: (reason) => logger.warn({ reason }, 'replaced the MongoDB client'),
  });
  const nonces = createNonceStore(store.nonces);
  const purge = setInterval(() => {
    nonces.purgeExpired(new Date()).catch((error) => logger.warn({ err: error }, 'purging expired tokens failed'));
  }, 60_000);
  purge.unref();
  const bodies = createBodyStore(store.bodies);
  const metrics = createReceiverMetrics();
  // Under `hookflow start`: the stack's restarts of its processes on /metrics, and the servers it
  // is restarting on /readyz, by name (issue #17).
  const stackState = env('HOOKFLOW_STACK_STATE_FILE');
  if (stackState) registerStackRestarts(metrics.registry, stackState);
  const readinessChecks = stackState ? stackServerChecks(stackState) : {};
  const receiver = await startReceiver(
    { config, temporal, logger, nonces, bodies, db: store.db, metrics, readinessChecks, ...(tracing ? { tracer: tracing.tracer } : {}) },
    config.server.host,
    config.server.port,
  );
  logger.info(
    { url: receiver.url, sources: [...config.sources.keys()], temporal: config.temporal.address },
    'receiver listening',
  );
  // signatures.failing: the 401s this receiver counted, reported every few seconds (src/alerts/).
  const signatureAlerts = startSignatureAlertFeed({ counter: metrics.signatureFailures, client: temporal, taskQueue: config.temporal.taskQueue, rules: config.alerts.rules, logger });
  // The admin API, on its own address, only when a token is configured. If it cannot listen,
  // stop the receiver too, so the process exits with the error instead of running half-way.
  const admin = config.admin.token
    ? await startAdminServer(
        { config, temporal, events: store.events, controls: store.controls, attempts: store.attempts, bodies, receiverMetrics: metrics, logger: createLogger('hookflow-admin') },
        config.admin.host,
        config.admin.port,
      ).catch(async (error) => {
        await receiver.close();
        throw error;
      })
    : undefined;
  if (admin) logger.info({ url: admin.url }, 'admin API listening');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping: no new connections, finishing in-flight requests');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await receiver.close();
  await signatureAlerts.stop().catch((error: unknown) => logger.warn({ err: error }, 'could not report the last signature failures'));
  await admin?.close();
  clearInterval(purge);
  await temporal.connection.close();
  await store.close();
  // The spans of the last requests, still batched.
  await tracing?.shutdown();
  logger.info('receiver stopped');
  return 0;
}
