import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Logger } from './logger';

const METHODS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logger interface over pino, for `Runtime.install`: the SDK's worker and
 * activity lines (and Core's, when forwarded) become hookflow's JSON lines, with the SDK's
 * attributes as fields, so an activity's lines carry its `workflowId`, `activityType` and
 * `attempt`. Pino's level filters them.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    // The SDK passes errors as `error`; pino serializes an Error (message, stack) only as `err`.
    // The task token is dropped: it is a credential that completes the activity, and noise.
    const { error, taskToken: _taskToken, ...fields } = meta as LogMetadata & { error?: unknown; taskToken?: unknown };
    logger[METHODS[level]]({ ...fields, ...(error === undefined ? {} : { err: error }) }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
