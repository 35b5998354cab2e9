import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ActionPlan } from '../types/webhook-event';
import type { ActivityMetrics, FinalEventStatus } from './activity-metrics';
import type { TaskQueueBacklog } from './read-task-queue-backlog';

/** Handlers and forwards run from milliseconds to minutes (startToCloseMs defaults to 60 s). */
const ACTION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const FINAL_STATUSES: readonly FinalEventStatus[] = ['succeeded', 'failed', 'cancelled', 'ignored', 'stale'];
const ACTION_KINDS: readonly ActionPlan['kind'][] = ['handler', 'forward'];

export interface WorkerMetrics extends ActivityMetrics {
  /** This worker's own registry (several in-process workers in tests never share counts). */
  readonly registry: Registry;
}

export interface WorkerMetricsOptions {
  /** Read at scrape time for `hookflow_task_queue_backlog`; without it the gauge has no samples. */
  readonly backlog?: () => Promise<TaskQueueBacklog>;
}

/**
 * The worker's metrics, plus prom-client's process metrics under their standard names. Series
 * with a fixed label set start at 0, so `rate()` and `increase()` see the first event.
 */
export function createWorkerMetrics({ backlog }: WorkerMetricsOptions = {}, registry = new Registry()): WorkerMetrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const processed = new Counter({
    name: 'hookflow_events_processed_total',
    help: 'Events that reached a final status on this worker (succeeded, failed, cancelled, ignored, stale).',
    labelNames: ['status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'hookflow_action_duration_seconds',
    help: 'Duration of each action attempt by kind (handler, forward) and outcome (succeeded, retrying, failed, cancelled).',
    labelNames: ['kind', 'outcome'] as const,
    buckets: ACTION_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'hookflow_action_retries_total',
    help: 'Action attempts after the first, by kind.',
    labelNames: ['kind'] as const,
    registers,
  });
  new Gauge({
    name: 'hookflow_task_queue_backlog',
    help: "Approximate tasks waiting in hookflow's task queue for a worker, by type (workflow, activity), read from Temporal at scrape time.",
    labelNames: ['type'] as const,
    registers,
    async collect() {
      // No sample rather than a stale one when Temporal does not answer: /readyz says why.
      this.reset();
      if (!backlog) return;
      const counts = await backlog().catch(() => undefined);
      if (!counts) return;
      this.set({ type: 'workflow' }, counts.workflow);
      this.set({ type: 'activity' }, counts.activity);
    },
  });
  for (const status of FINAL_STATUSES) processed.inc({ status }, 0);
  for (const kind of ACTION_KINDS) retries.inc({ kind }, 0);

  return {
    registry,
    eventFinished(status) {
      processed.inc({ status });
    },
    actionAttempt(kind, outcome, attempt, seconds) {
      duration.observe({ kind, outcome }, seconds);
      if (attempt > 1) retries.inc({ kind });
    },
  };
}
