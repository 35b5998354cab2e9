import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/load-config';
import { loadHandlers } from '../handlers/load-handlers';
import { createLogger } from '../logging/logger';
import { waitUntil } from '../stack/wait-until';
import { ensureIndexes, openStore } from '../store/open-store';
import { createWorker } from '../worker/create-worker';

/**
 * `hookflow worker`: poll the task queue until SIGTERM/SIGINT, then let running activities
 * finish (up to the shutdown grace time) and exit. Any number may run, on any machine.
 */
export async function runWorker(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger('hookflow-worker');
  const required = [...new Set(config.routes.flatMap((route) => route.actions.map((a) => a.handler)))];
  const handlers = loadHandlers(config.handlers, required);
  const store = await openStore(config.mongodb.uri, config.mongodb.database);
  await ensureIndexes(store);
  const connection = await waitUntil(
    `Temporal at ${config.temporal.address}`,
    () => NativeConnection.connect({ address: config.temporal.address }),
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    store,
    handlers,
  });
  logger.info(
    { taskQueue: config.temporal.taskQueue, handlers: Object.keys(handlers), pid: process.pid },
    'worker polling',
  );
  try {
    await worker.run(); // returns after SIGINT/SIGTERM once running tasks are done
  } finally {
    await connection.close();
    await store.close();
  }
  logger.info('worker stopped');
  return 0;
}
