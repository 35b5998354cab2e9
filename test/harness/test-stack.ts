import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowExecutionDescription } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { resolveConfig, type HookflowConfig } from '../../src/config/load-config';
import type { Handlers } from '../../src/handlers/types';
import type { Transforms } from '../../src/transforms/transform-types';
import type { ActivityMetrics } from '../../src/metrics/activity-metrics';
import { createReceiverMetrics, type ReceiverMetrics } from '../../src/metrics/create-receiver-metrics';
import type { SignatureFailureCounter } from '../../src/receiver/signature-failures';
import { startReceiver, type RunningReceiver } from '../../src/receiver/start-receiver';
import { waitUntil } from '../../src/stack/wait-until';
import type { EventDocument } from '../../src/store/documents';
import { createBodyStore } from '../../src/store/body-store';
import { createNonceStore } from '../../src/store/nonce-store';
import { ensureIndexes, openStore, type Store } from '../../src/store/open-store';
import { createWorker } from '../../src/worker/create-worker';
import type { MaintenanceDeps } from '../../activities/create-maintenance-activities';
import { quietRuntime } from './quiet-runtime';
import { testEnv } from './test-env';

export interface TestStackOptions {
  readonly sources: Record<string, unknown>;
  readonly routes?: unknown[];
  readonly handlers?: Handlers;
  /** The handlers module's `transforms` (route `transform`). */
  readonly transforms?: Transforms;
  readonly retry?: Record<string, unknown>;
  readonly server?: Record<string, unknown>;
  readonly destinations?: Record<string, unknown>;
  readonly ordering?: Record<string, unknown>;
  /** The config's `alerts` (src/alerts/). */
  readonly alerts?: Record<string, unknown>;
  /** Another Temporal server than the shared one (suites that stop Temporal). */
  readonly temporalAddress?: string;
  /** Emit MongoDB command events on `store.client` (to count writes). */
  readonly monitorCommands?: boolean;
  /** Start the worker (default true). */
  readonly worker?: boolean;
  /** Passed to the worker's activities (to read its metrics). */
  readonly workerMetrics?: ActivityMetrics;
  /** The worker's `worker.maxConcurrentActions`. */
  readonly maxConcurrentActions?: number;
  /** Runs the worker's scheduled reconciliations (`hookflow worker` passes reconcileSource). */
  readonly reconcile?: MaintenanceDeps['reconcile'];
}

export interface PostResult {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

export interface TestStack {
  readonly config: HookflowConfig;
  readonly store: Store;
  readonly client: Client;
  readonly receiver: RunningReceiver;
  /** Log lines the receiver wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** The receiver's signature-failure counter. */
  readonly signatureFailures: SignatureFailureCounter;
  /** The receiver's metrics (also served at its /metrics). */
  readonly receiverMetrics: ReceiverMetrics;
  /** The running worker, if any (its state tells a worker's /readyz whether it is shutting down). */
  currentWorker(): Worker | undefined;
  post(path: string, body: string | Buffer, headers?: Record<string, string>, method?: string): Promise<PostResult>;
  waitForStatus(workflowId: string, status: EventDocument['status'], timeoutMs?: number): Promise<EventDocument>;
  /** The latest run of `workflowId` once Temporal reports it in `status` (`COMPLETED`, `FAILED`, ...). */
  waitForWorkflow(workflowId: string, status: string, timeoutMs?: number): Promise<WorkflowExecutionDescription>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One suite's slice of the shared stack: its own task queue and database, a real worker, and
 * the real receiver listening on an ephemeral port.
 */
export async function createTestStack(options: TestStackOptions): Promise<TestStack> {
  quietRuntime();
  const suffix = randomUUID().slice(0, 8);
  const address = options.temporalAddress ?? testEnv('temporalAddress');
  const config = resolveConfig(
    {
      // A generous ack deadline: on a loaded 2-core machine a 503 would be a correct answer but a flaky test.
      server: { host: '127.0.0.1', port: 0, ackTimeoutMs: 10_000, retryAfterSeconds: 2, ...options.server },
      temporal: { address, taskQueue: `test-${suffix}` },
      mongodb: { uri: testEnv('mongoUri'), database: `test_${suffix}` },
      retry: { initialIntervalMs: 100, maximumIntervalMs: 500, ...options.retry },
      sources: options.sources,
      routes: options.routes ?? [],
      destinations: options.destinations ?? {},
      ordering: options.ordering ?? {},
      ...(options.alerts ? { alerts: options.alerts } : {}),
    },
    '/virtual/hookflow.config.json',
  );
  const store = await openStore(config.mongodb.uri, config.mongodb.database, { monitorCommands: options.monitorCommands });
  await ensureIndexes(store);
  const client = new Client({ connection: Connection.lazy({ address }), namespace: 'default' });

  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const receiverMetrics = createReceiverMetrics();
  const { signatureFailures } = receiverMetrics;
  const receiver = await startReceiver(
    {
      config,
      temporal: client,
      logger,
      nonces: createNonceStore(store.nonces),
      bodies: createBodyStore(store.bodies),
      db: store.db,
      metrics: receiverMetrics,
    },
    '127.0.0.1',
    0,
  );

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  const stack: TestStack = {
    config,
    store,
    client,
    receiver,
    logs,
    signatureFailures,
    receiverMetrics,
    currentWorker: () => worker,
    async post(path, body, headers = {}, method = 'POST') {
      const response = await fetch(`${receiver.url}${path}`, { method, body: method === 'GET' ? undefined : body, headers });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, headers: response.headers, json };
    },
    waitForStatus(workflowId, status, timeoutMs = 30_000) {
      return waitUntil(
        `event ${workflowId} to be ${status}`,
        async () => (await store.events.findOne({ _id: workflowId, status })) ?? undefined,
        { timeoutMs, intervalMs: 100 },
      );
    },
    waitForWorkflow(workflowId, status, timeoutMs = 15_000) {
      return waitUntil(
        `workflow ${workflowId} ${status}`,
        async () => {
          const description = await client.workflow.getHandle(workflowId).describe();
          return description.status.name === status ? description : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    },
    async startWorker() {
      nativeConnection = await NativeConnection.connect({ address });
      worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue: config.temporal.taskQueue,
        store,
        handlers: options.handlers ?? {},
        transforms: options.transforms ?? {},
        destinations: config.destinations,
        alerts: config.alerts,
        workflowBundle: { codePath: testEnv('bundlePath') },
        ...(options.workerMetrics ? { metrics: options.workerMetrics } : {}),
        ...(options.maxConcurrentActions ? { maxConcurrentActions: options.maxConcurrentActions } : {}),
        ...(options.reconcile ? { reconcile: options.reconcile } : {}),
      });
      running = worker.run();
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection?.close();
      worker = undefined;
      running = undefined;
      nativeConnection = undefined;
    },
    async close() {
      await stack.stopWorker();
      await receiver.close();
      await client.connection.close();
      // The database is left in place, as in every suite: FerretDB v1 crashed (SIGBUS in SQLite)
      // on a drop while a straggling process still used the database. Teardown removes it all.
      await store.close();
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}
