import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { processWebhook } from '../../workflows/process-webhook';
import { enqueueSignal, type sequenceEvents } from '../../workflows/sequence-events';
import type { OrderingPlan, ProcessWebhookInput, WebhookEvent } from '../types/webhook-event';
import { eventMetadata } from './event-metadata';
import { eventSearchAttributes } from './event-search-attributes';
import { SOURCE } from './search-attributes';

export interface StartOptions {
  readonly taskQueue: string;
  /** Deadline for Temporal to durably accept the start. */
  readonly ackTimeoutMs: number;
  /** Settings of the per-key workflows of ordered routes. */
  readonly ordering: { readonly eventsPerRun: number; readonly idleMs: number };
}

export type StartOutcome = 'accepted' | 'duplicate';

/**
 * Hand the event to Temporal: start `processWebhook` under `<source>:<eventId>`, or for an
 * ordered route append it to its key's queue. Any error means nothing durable happened: the
 * caller answers 503 so the provider retries, or 422 if Temporal refused the request as invalid
 * (src/receiver/start-failure.ts).
 */
export async function startProcessing(client: Client, options: StartOptions, input: ProcessWebhookInput): Promise<StartOutcome> {
  const { ordering } = input.plan;
  return client.withDeadline(Date.now() + options.ackTimeoutMs, () =>
    ordering ? enqueueOrdered(client, options, input, ordering) : startUnordered(client, options, input),
  );
}

/**
 * Temporal rejects a second start of a running or completed ID (a duplicate delivery) and
 * allows one after a failure (the provider's retry re-runs it).
 */
async function startUnordered(client: Client, options: StartOptions, input: ProcessWebhookInput): Promise<StartOutcome> {
  const { event } = input;
  try {
    await client.workflow.start<typeof processWebhook>('processWebhook', {
      taskQueue: options.taskQueue,
      workflowId: event.workflowId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: eventSearchAttributes(event),
      ...eventMetadata(event),
    });
    return 'accepted';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw error;
  }
}


/** States in which a workflow ID may not run again, so a delivery of it is a duplicate. */
const SETTLED = new Set(['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW']);

/**
 * Signal-with-start the key's queue (`order/<source>:<key>`), which runs the event as a child
 * under its own workflow ID once every earlier event of the key is done. The signal is appended
 * before we answer, so a provider's next delivery for the key always queues behind this one.
 * A delivery whose workflow already ran is answered `duplicate` without queueing; one that
 * races a copy still waiting is dropped by the queue itself.
 */
async function enqueueOrdered(
  client: Client,
  options: StartOptions,
  input: ProcessWebhookInput,
  ordering: OrderingPlan,
): Promise<StartOutcome> {
  const { event } = input;
  try {
    const { status } = await client.workflow.getHandle(event.workflowId).describe();
    if (SETTLED.has(status.name)) return 'duplicate';
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  await client.workflow.signalWithStart<typeof sequenceEvents, [ProcessWebhookInput]>('sequenceEvents', {
    taskQueue: options.taskQueue,
    workflowId: orderingWorkflowId(event.source, ordering.key),
    args: [options.ordering],
    signal: enqueueSignal,
    signalArgs: [input],
    typedSearchAttributes: [{ key: SOURCE, value: event.source }],
  });
  return 'accepted';
}

/**
 * Event workflow IDs are `<source>:<id>` and source names never hold a `/`, so this prefix
 * cannot collide with any event's ID.
 */
export function orderingWorkflowId(source: string, key: string): string {
  return `order/${source}:${key}`;
}
