import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { env } from '../config/env';
import { loadConfig } from '../config/load-config';
import { loadHandlers } from '../handlers/load-handlers';
import { loadTransforms } from '../transforms/load-transforms';
import { CHECK_TIMEOUT_MS } from '../health/create-readiness';
import { startOpsServer } from '../health/start-ops-server';
import { createLogger } from '../logging/logger';
import { createWorkerMetrics } from '../metrics/create-worker-metrics';
import { readTaskQueueBacklog } from '../metrics/read-task-queue-backlog';
import { createReconciledCounter } from '../metrics/reconciled-events-counter';
import { reconcileSource } from '../reconcile/reconcile-source';
import { createBodyStore } from '../store/body-store';
import { ensureSchedules } from '../temporal/ensure-schedules';
import { ensureAlertSchedules } from '../alerts/ensure-alert-schedules';
import { startTracing } from '../telemetry/start-tracing';
import { freePort } from '../stack/free-port';
import { waitUntil } from '../stack/wait-until';
import { ensureIndexes, openStore } from '../store/open-store';
import { createWorker } from '../worker/create-worker';
import { createWorkerOps, workerPhase } from '../worker/create-worker-ops';
import { installRuntime } from '../worker/install-runtime';

/**
 * `hookflow worker`: poll the task queue until SIGTERM/SIGINT, then let running activities
 * finish (up to the shutdown grace time) and exit. Any number may run, on any machine. Each
 * serves /healthz, /readyz and /metrics on `worker.port`; /readyz answers 503 from the signal on.
 */
export async function runWorker(): Promise<number> {
  const config = loadConfig();
  // Bundling the workflows takes seconds of CPU at every start; a prebuilt bundle skips it.
  const bundlePath = env('HOOKFLOW_WORKFLOW_BUNDLE');
  const { namespace, taskQueue, address } = config.temporal;
  const hmacHeaders = [...config.sources.values()].flatMap((source) => source.provider.secretHeaders(source.settings.options));
  const logger = createLogger('hookflow-worker', undefined, hmacHeaders);
  const required = [
    ...new Set(config.routes.flatMap((route) => route.actions.flatMap((a) => ('handler' in a ? [a.handler] : [])))),
  ];
  // Before the Temporal runtime exists: its threads keep the process alive, so a handlers module
  // that throws must fail here for the process to exit (and `hookflow start` to see it).
  const handlers = loadHandlers(config.handlers, required);
  const transforms = loadTransforms(config.handlers, [...new Set(config.routes.flatMap((route) => (route.transform ? [route.transform] : [])))]);
  // Before any connection exists: the SDK's exporter listens on a local port of its own, and
  // this worker's /metrics appends what it serves, so one scrape gets both.
  const sdkMetricsAddress = `127.0.0.1:${await freePort()}`;
  installRuntime(logger, { metricsAddress: sdkMetricsAddress });
  // Off (undefined) unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then no span, exporter or interceptor exists.
  const tracing = startTracing('hookflow-worker');
  const store = await openStore(config.mongodb.uri, config.mongodb.database, {
    onRenewed: (reason) => logger.warn({ reason }, 'replaced the MongoDB client'),
  });
  // A lazy client connection of its own, for /readyz and the backlog gauge: both keep answering
  // while Temporal is down, and it is never the connection the worker polls on.
  const client = Connection.lazy({ address });
  // Whatever fails from here on, close what is open so the process exits with the error.
  try {
    await ensureIndexes(store);
    const metrics = createWorkerMetrics({
      backlog: () => readTaskQueueBacklog(client, namespace, taskQueue, CHECK_TIMEOUT_MS),
    });
    const countReconciled = createReconciledCounter(metrics.registry);
    // Reconciliation starts events as the receiver does, through a client of its own.
    const temporalClient = new Client({ connection: client, namespace });
    let worker: Worker | undefined;
    const ops = createWorkerOps({
      connection: client,
      db: store.db,
      metrics,
      sdkMetricsUrl: `http://${sdkMetricsAddress}/metrics`,
      phase: () => workerPhase(worker),
      logger,
    });
    const server = await startOpsServer(ops, config.worker.host, config.worker.port, logger);
    logger.info({ url: server.url }, 'worker health and metrics listening');
    try {
      const connection = await waitUntil(`Temporal at ${address}`, () => NativeConnection.connect({ address }), {
        timeoutMs: 60_000,
        intervalMs: 1_000,
      });
      try {
        worker = await createWorker({
          connection,
          namespace,
          taskQueue,
          store,
          handlers,
          transforms,
          destinations: config.destinations,
          alerts: config.alerts,
          metrics,
          maxConcurrentActions: config.worker.maxConcurrentActions,
          ...(tracing ? { tracing } : {}),
          ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
          reconcile: ({ source, lookbackMs }, signal) =>
            reconcileSource(
              { config, temporal: temporalClient, events: store.events, bodies: createBodyStore(store.bodies), logger, count: countReconciled },
              source,
              { since: new Date(Date.now() - lookbackMs), signal },
            ),
        });
        // The purge and reconciliation schedules follow the config of the worker started last.
        // A failure here is logged, not fatal: events must keep flowing.
        await ensureSchedules(temporalClient, config).then(
          (ids) => logger.info({ schedules: ids }, 'schedules in force'),
          (error: unknown) => logger.error({ err: error }, 'could not create or update the purge and reconcile schedules'),
        );
        // backlog.high rules read the backlog on a Schedule of their own (src/alerts/).
        await ensureAlertSchedules(temporalClient, taskQueue, config.alerts.rules).then(
          (ids) => ids.length > 0 && logger.info({ schedules: ids }, 'alert checks in force'),
          (error: unknown) => logger.error({ err: error }, 'could not create or update the alert check schedules'),
        );
        logger.info({ taskQueue, handlers: Object.keys(handlers), pid: process.pid, url: server.url }, 'worker polling');
        await worker.run(); // returns after SIGINT/SIGTERM once running tasks are done
      } finally {
        await connection.close();
      }
    } finally {
      // Only now: /readyz has answered 503 since the signal, while the worker drained.
      await server.close();
    }
  } finally {
    await client.close();
    await store.close();
  }
  // The spans of the last attempts and workflows, still batched.
  await tracing?.shutdown();
  logger.info('worker stopped');
  return 0;
}
