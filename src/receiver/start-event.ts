import type { Client } from '@temporalio/client';
import type { HookflowConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import { startProcessing, type StartOutcome } from '../temporal/start-processing';
import type { ProcessWebhookInput } from '../types/webhook-event';
import { startFailureError } from './start-failure';

/**
 * Step 7: hand the event to Temporal. Any failure means nothing durable happened: 503 so the
 * provider retries, or 422 when Temporal refused the start as invalid.
 */
export async function startEvent(
  { config, temporal, logger }: { config: HookflowConfig; temporal: Client; logger: Logger },
  { input, undo }: { input: ProcessWebhookInput; undo: () => Promise<void> },
): Promise<StartOutcome> {
  const { workflowId, source } = input.event;
  try {
    return await startProcessing(
      temporal,
      { taskQueue: config.temporal.taskQueue, ackTimeoutMs: config.server.ackTimeoutMs, ordering: config.ordering },
      input,
    );
  } catch (error) {
    const answer = startFailureError(error, config.server.retryAfterSeconds);
    // Nothing acknowledged: the record written for it goes too (a run started all the same writes its own).
    await undo();
    logger.error(
      { err: error, workflowId, source },
      answer.status === 503
        ? 'Temporal did not accept the workflow start; answering 503 so the provider retries'
        : `Temporal refused the workflow start as invalid; answering ${answer.status} so the provider stops retrying`,
    );
    throw answer;
  }
}
