import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { resolveConfig, type HookflowConfig } from '../../src/config/load-config';
import type { Handlers } from '../../src/handlers/types';
import { SignatureFailureCounter } from '../../src/receiver/signature-failures';
import { startReceiver, type RunningReceiver } from '../../src/receiver/start-receiver';
import { waitUntil } from '../../src/stack/wait-until';
import type { EventDocument } from '../../src/store/documents';
import { createNonceStore } from '../../src/store/nonce-store';
import { ensureIndexes, openStore, type Store } from '../../src/store/open-store';
import { createWorker } from '../../src/worker/create-worker';
import { testEnv } from './test-env';

// Core SDK logs (poll retries while a test stops Temporal) only at WARN and above.
let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new (require('@temporalio/worker').DefaultLogger)('WARN') });
  } catch {
    // Already installed in this process.
  }
}

export interface TestStackOptions {
  readonly sources: Record<string, unknown>;
  readonly routes?: unknown[];
  readonly handlers?: Handlers;
  readonly retry?: Record<string, unknown>;
  readonly server?: Record<string, unknown>;
  /** Another Temporal server than the shared one (suites that stop Temporal). */
  readonly temporalAddress?: string;
  /** Start the worker (default true). */
  readonly worker?: boolean;
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
  post(path: string, body: string | Buffer, headers?: Record<string, string>, method?: string): Promise<PostResult>;
  waitForStatus(workflowId: string, status: EventDocument['status'], timeoutMs?: number): Promise<EventDocument>;
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
      server: { host: '127.0.0.1', port: 0, ackTimeoutMs: 3_000, retryAfterSeconds: 2, ...options.server },
      temporal: { address, taskQueue: `test-${suffix}` },
      mongodb: { uri: testEnv('mongoUri'), database: `test_${suffix}` },
      retry: { initialIntervalMs: 100, maximumIntervalMs: 500, ...options.retry },
      sources: options.sources,
      routes: options.routes ?? [],
    },
    '/virtual/hookflow.config.json',
  );
  const store = await openStore(config.mongodb.uri, config.mongodb.database);
  await ensureIndexes(store);
  const client = new Client({ connection: Connection.lazy({ address }), namespace: 'default' });

  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const signatureFailures = new SignatureFailureCounter();
  const receiver = await startReceiver({ config, temporal: client, logger, nonces: createNonceStore(store.nonces), signatureFailures }, '127.0.0.1', 0);

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
    async startWorker() {
      nativeConnection = await NativeConnection.connect({ address });
      worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue: config.temporal.taskQueue,
        store,
        handlers: options.handlers ?? {},
        workflowBundle: { codePath: testEnv('bundlePath') },
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
      await store.db.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}
