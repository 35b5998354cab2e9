import type { HookflowConfig } from '../config/load-config';
import type { StartOptions } from '../temporal/start-processing';

/** The receiver's start options, so an admin start behaves as a delivery's would. */
export function processingOptions(config: Pick<HookflowConfig, 'temporal' | 'server' | 'ordering'>): StartOptions {
  return { taskQueue: config.temporal.taskQueue, ackTimeoutMs: config.server.ackTimeoutMs, ordering: config.ordering };
}
