import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities/create-activities';
import { createMaintenanceActivities, type MaintenanceDeps } from '../../activities/create-maintenance-activities';
import { createAlertActivities } from '../../activities/create-alert-activities';
import { createBreakerActivities } from '../../activities/create-breaker-activities';
import type { AlertsConfig } from '../alerts/resolve-alerts';
import { createAlertFeed } from '../alerts/worker-alert-feed';
import type { DestinationConfig } from '../config/load-config';
import type { Handlers } from '../handlers/types';
import type { Transforms } from '../transforms/transform-types';
import type { ActivityMetrics } from '../metrics/activity-metrics';
import { createBodyStore } from '../store/body-store';
import type { Tracing } from '../telemetry/start-tracing';
import { withTracing, workerTracing } from '../telemetry/worker-tracing';
import { createLimitActivities } from '../limits/create-limit-activities';
import { createDestinationWorkers, withDestinationWorkers } from '../limits/destination-workers';
import { workflowCodeOptions } from './workflow-code';
import type { Store } from '../store/open-store';

export interface WorkerDeps {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly store: Store;
  readonly handlers: Handlers;
  /** The handlers module's `transforms`, which routes name. */
  readonly transforms?: Transforms;
  readonly destinations: ReadonlyMap<string, DestinationConfig>;
  /** A prebuilt workflow bundle (tests build one per run); otherwise the package's own (workflow-code.ts). */
  readonly workflowBundle?: WorkerOptions['workflowBundle'];
  /** Told of each finished event and action attempt (the worker's /metrics). */
  readonly metrics?: ActivityMetrics;
  /** Runs a scheduled reconciliation; without it this worker's reconcileSource activity fails. */
  readonly reconcile?: MaintenanceDeps['reconcile'];
  /** Action attempts this worker runs at once (`worker.maxConcurrentActions`). */
  readonly maxConcurrentActions?: number;
  /** This process's tracing, when on (src/telemetry/): spans of workflows and action attempts. */
  readonly tracing?: Tracing;
  /** Alert rules (src/alerts/); destinations' circuit breakers come with `destinations`. */
  readonly alerts?: AlertsConfig;
}

/** A worker for hookflow's task queue: the workflow bundle plus activities over real dependencies. */
export async function createWorker({
  connection,
  namespace,
  taskQueue,
  store,
  handlers,
  transforms = {},
  destinations,
  workflowBundle,
  metrics,
  reconcile,
  maxConcurrentActions = 200,
  tracing,
  alerts = { rules: [] },
}: WorkerDeps): Promise<Worker> {
  // Only when something watches: otherwise forwards and failures report nowhere, at no cost.
  const watched = alerts.rules.length > 0 || [...destinations.values()].some((d) => d.circuitBreaker);
  const alertFeed = watched ? createAlertFeed(alerts.rules, destinations, taskQueue) : undefined;
  const activities = {
    ...createActivities({ events: store.events, bodies: createBodyStore(store.bodies), handlers, transforms, controls: store.controls, attempts: store.attempts, destinations, metrics, ...(alertFeed ? { alertFeed } : {}) }),
    // Circuit breakers and alert delivery (issue #13, src/breaker/, src/alerts/).
    ...createBreakerActivities({ controls: store.controls, events: store.events, destinations, alertRules: alerts.rules }),
    ...createAlertActivities({ alertRules: alerts.rules }),
    // The retention purge and scheduled reconciliations (src/temporal/ensure-schedules.ts).
    ...createMaintenanceActivities({ store, ...(reconcile ? { reconcile } : {}) }),
    // Permits for destinations' maxConcurrency (src/limits/): the SDK's client runs on this connection.
    ...createLimitActivities({ client: new Client({ connection, namespace }) }),
  };
  const main = await Worker.create(withTracing({
    connection,
    namespace,
    taskQueue,
    // A bundle given (HOOKFLOW_WORKFLOW_BUNDLE, the tests'), else the package's prebuilt one, else the sources.
    ...(workflowBundle ? { workflowBundle } : workflowCodeOptions()),
    activities,
    // Actions are bound by I/O (handlers, forwards): many run at once, up to worker.maxConcurrentActions.
    maxConcurrentActivityTaskExecutions: maxConcurrentActions,
    // Let running activities finish on SIGTERM before the worker exits.
    shutdownGraceTime: '30 seconds',
  }, tracing));
  // Limited destinations' forwards run from their own task queues (issue #13, src/limits/).
  return withDestinationWorkers(
    main,
    await createDestinationWorkers({
      connection,
      namespace,
      taskQueue,
      destinations,
      activities,
      maxConcurrentActions,
      // Their attempts are traced like the main worker's.
      activityInterceptors: workerTracing(tracing).activityInterceptors,
    }),
  );
}
