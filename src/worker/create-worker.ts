import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities/create-activities';
import type { Handlers } from '../handlers/types';
import type { Store } from '../store/open-store';

export interface WorkerDeps {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly store: Store;
  readonly handlers: Handlers;
  /** A prebuilt workflow bundle (tests build one per run); otherwise workflows/ is bundled at start. */
  readonly workflowBundle?: WorkerOptions['workflowBundle'];
}

/** A worker for hookflow's task queue: the workflow bundle plus activities over real dependencies. */
export function createWorker({ connection, namespace, taskQueue, store, handlers, workflowBundle }: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../../workflows') }),
    activities: createActivities({ events: store.events, results: store.results, handlers }),
    // Activities are bound by I/O (handlers, forwards, MongoDB): let many run at once.
    maxConcurrentActivityTaskExecutions: 200,
    // Let running activities finish on SIGTERM before the worker exits.
    shutdownGraceTime: '30 seconds',
  });
}
