import type { ConnectionLike } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { createOpsHandler, type OpsHandler } from '../health/create-ops-handler';
import { CHECK_TIMEOUT_MS, createReadiness } from '../health/create-readiness';
import { pingMongo } from '../health/ping-mongo';
import { pingTemporal } from '../health/ping-temporal';
import type { Phase } from '../health/readiness-report';
import type { Logger } from '../logging/logger';
import type { WorkerMetrics } from '../metrics/create-worker-metrics';
import { fetchMetricsText } from '../metrics/fetch-metrics-text';
import { mergeMetricsText } from '../metrics/merge-metrics-text';

export interface WorkerOpsDeps {
  /** A client connection to the worker's Temporal (the worker's own NativeConnection polls). */
  readonly connection: ConnectionLike;
  readonly db: Db;
  readonly metrics: WorkerMetrics;
  /** The Temporal SDK's Prometheus exporter, appended to /metrics. */
  readonly sdkMetricsUrl?: string;
  readonly phase: () => Phase;
  readonly logger: Logger;
}

/** A worker's /healthz, /readyz and /metrics. */
export function createWorkerOps({ connection, db, metrics, sdkMetricsUrl, phase, logger }: WorkerOpsDeps): OpsHandler {
  let sdkFailing = false;
  const sdkText = async (): Promise<string> => {
    if (!sdkMetricsUrl) return '';
    try {
      const text = await fetchMetricsText(sdkMetricsUrl, CHECK_TIMEOUT_MS);
      if (sdkFailing) logger.info({ url: sdkMetricsUrl }, 'Temporal SDK metrics are back');
      sdkFailing = false;
      return text;
    } catch (error) {
      // Our own metrics are still worth serving; say so once, not at every scrape.
      if (!sdkFailing) logger.warn({ err: error, url: sdkMetricsUrl }, 'cannot read the Temporal SDK metrics; serving hookflow metrics only');
      sdkFailing = true;
      return '';
    }
  };
  return createOpsHandler({
    readiness: createReadiness({
      checks: { temporal: (ms) => pingTemporal(connection, ms), mongodb: () => pingMongo(db) },
      phase,
      logger,
    }),
    metrics: async () => {
      const [own, sdk] = await Promise.all([metrics.registry.metrics(), sdkText()]);
      return { contentType: metrics.registry.contentType, text: mergeMetricsText(own, sdk) };
    },
  });
}

/**
 * Ready only while polling: a worker that is starting, or draining after SIGTERM (the SDK stops
 * it on the signal), takes no new work.
 */
export function workerPhase(worker: Pick<Worker, 'getState'> | undefined): Phase {
  const state = worker?.getState();
  if (state === undefined || state === 'INITIALIZED') return 'starting';
  return state === 'RUNNING' ? 'running' : 'stopping';
}
