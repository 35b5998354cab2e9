import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { DestinationConfig } from '../config/load-config';
import { destinationTaskQueue } from './limit-names';

export interface DestinationWorkersOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  /** The main task queue; each limited destination's is named after it. */
  readonly taskQueue: string;
  readonly destinations: ReadonlyMap<string, DestinationConfig>;
  /** The same activities as the main worker's (runAction is what runs here). */
  readonly activities: object;
  readonly maxConcurrentActions: number;
  /** The main worker's activity interceptors (tracing's), so an attempt here is traced like one there. */
  readonly activityInterceptors?: NonNullable<WorkerOptions['interceptors']>['activity'];
}

/**
 * One activity-only worker per limited destination, polling its own task queue (issue #13).
 * `maxTaskQueueActivitiesPerSecond` is sent with every poll, and Temporal's matching service
 * enforces it on the queue for all pollers together: every worker process polls with the same
 * config, so the limit holds across them, where `maxActivitiesPerSecond` would be per process.
 */
export function createDestinationWorkers({
  connection,
  namespace,
  taskQueue,
  destinations,
  activities,
  maxConcurrentActions,
  activityInterceptors = [],
}: DestinationWorkersOptions): Promise<Worker[]> {
  const limited = [...destinations.values()].filter((destination) => destination.limits);
  return Promise.all(
    limited.map(({ name, limits }) =>
      Worker.create({
        connection,
        namespace,
        taskQueue: destinationTaskQueue(taskQueue, name),
        activities,
        maxConcurrentActivityTaskExecutions: maxConcurrentActions,
        ...(limits?.perSecond ? { maxTaskQueueActivitiesPerSecond: limits.perSecond } : {}),
        shutdownGraceTime: '30 seconds',
        ...(activityInterceptors.length > 0 ? { interceptors: { activity: activityInterceptors } } : {}),
      }),
    ),
  );
}

/**
 * The main worker, running and stopping the destination workers with it, so callers keep one
 * Worker to run, shut down and ask the state of. A destination worker that fails stops them all:
 * the process exits with its error, as it would for the main worker's, and is restarted.
 */
export function withDestinationWorkers(main: Worker, others: readonly Worker[]): Worker {
  if (others.length === 0) return main;
  const run = main.run.bind(main);
  const shutdown = main.shutdown.bind(main);
  const stopOthers = () => {
    for (const worker of others) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  const stopAll = () => {
    stopOthers();
    if (main.getState() === 'RUNNING') shutdown();
  };
  main.run = async () => {
    const running = others.map((worker) =>
      worker.run().catch((error: unknown) => {
        stopAll();
        throw error;
      }),
    );
    const ended = await run().then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    stopOthers();
    const failed = (await Promise.allSettled(running)).find((r) => r.status === 'rejected');
    if (ended) throw ended.error;
    if (failed) throw failed.reason;
  };
  main.shutdown = stopAll;
  return main;
}
