import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { processWebhook } from '../../workflows/process-webhook';
import type { ProcessWebhookInput } from '../types/webhook-event';
import { EVENT_ID, EVENT_TYPE, SOURCE } from './search-attributes';

export interface StartOptions {
  readonly taskQueue: string;
  /** Deadline for Temporal to durably accept the start. */
  readonly ackTimeoutMs: number;
}

export type StartOutcome = 'accepted' | 'duplicate';

/**
 * Start `processWebhook` under the workflow ID `<source>:<eventId>`. Temporal rejects a second
 * start of a running or completed ID (a duplicate delivery) and allows one after a failure (the
 * provider's retry re-runs it). Any other error means nothing durable happened: the caller
 * answers 503 so the provider retries.
 */
export async function startProcessing(client: Client, options: StartOptions, input: ProcessWebhookInput): Promise<StartOutcome> {
  const { event } = input;
  try {
    await client.withDeadline(Date.now() + options.ackTimeoutMs, () =>
      client.workflow.start<typeof processWebhook>('processWebhook', {
        taskQueue: options.taskQueue,
        workflowId: event.workflowId,
        args: [input],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          { key: SOURCE, value: event.source },
          { key: EVENT_TYPE, value: event.type },
          { key: EVENT_ID, value: event.eventId },
        ],
      }),
    );
    return 'accepted';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw error;
  }
}
