import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { processWebhook } from '../../workflows/process-webhook';
import type { ProcessWebhookInput } from '../types/webhook-event';
import { eventMetadata } from './event-metadata';
import { eventSearchAttributes } from './event-search-attributes';
import type { StartOptions } from './start-processing';

/** `taken`: some run (running or closed, of any outcome) already had this workflow ID. */
export type ReplayStartOutcome = 'started' | 'taken';

/**
 * Start a replay (`<workflowId>#replay-<n>`) of a stored event: always unordered, so it runs
 * now and is never judged stale. Unlike a delivery, a replay ID is never reused, not even after
 * a failure (REJECT_DUPLICATE): each replay keeps its own run and its own event document.
 */
export async function startReplay(
  client: Client,
  options: Pick<StartOptions, 'taskQueue' | 'ackTimeoutMs'>,
  input: ProcessWebhookInput,
): Promise<ReplayStartOutcome> {
  const { event } = input;
  if (input.plan.ordering) throw new Error('a replay runs unordered: pass a plan without ordering');
  try {
    await client.withDeadline(Date.now() + options.ackTimeoutMs, () =>
      client.workflow.start<typeof processWebhook>('processWebhook', {
        taskQueue: options.taskQueue,
        workflowId: event.workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: eventSearchAttributes(event),
        ...eventMetadata(event),
      }),
    );
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'taken';
    throw error;
  }
}
