import { Runtime } from '@temporalio/worker';
import type { Logger } from '../logging/logger';
import { temporalLogger } from '../logging/temporal-logger';

export interface RuntimeOptions {
  /** `host:port` for the SDK's Prometheus exporter, which the worker's /metrics appends. */
  readonly metricsAddress?: string;
}

/**
 * Install the Temporal SDK's process-wide runtime, before any connection or worker exists: its
 * logs (the SDK's, and Core's, which would otherwise go to stderr as plain text) go through
 * pino, and its metrics to a Prometheus exporter on a local port.
 */
export function installRuntime(logger: Logger, { metricsAddress }: RuntimeOptions = {}): void {
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: logger.isLevelEnabled('debug') ? 'DEBUG' : 'WARN', other: 'ERROR' } },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
}
