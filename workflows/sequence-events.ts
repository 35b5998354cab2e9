import {
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { eventMetadata } from '../src/temporal/event-metadata';
import { eventSearchAttributes } from '../src/temporal/event-search-attributes';
import type { ProcessWebhookInput } from '../src/types/webhook-event';
import { processWebhook } from './process-webhook';

export interface SequenceEventsInput {
  /** Events one run handles before it continues as new. */
  readonly eventsPerRun: number;
  /** The run ends after this long with an empty queue. */
  readonly idleMs: number;
  /** Carried over from the previous run. */
  readonly pending?: readonly ProcessWebhookInput[];
}

/** The receiver appends an event of this key; signals are ordered, so arrival order is kept. */
export const enqueueSignal = defineSignal<[ProcessWebhookInput]>('enqueue');
/** The workflow IDs waiting, in the order they will run (the first may be running). */
export const pendingQuery = defineQuery<string[]>('pending');

/**
 * Continue as new past this much history even before `eventsPerRun`: each event puts its
 * input in the history twice (the signal and the child's start), and Temporal stops a
 * workflow at 50 MB.
 */
const MAX_HISTORY_BYTES = 10 * 1024 * 1024;
/**
 * The queue travels to the next run as its input, which Temporal refuses over 2 MB; with a
 * backlog bigger than this the run goes on (its history growing) until the backlog shrinks.
 */
const MAX_CARRIED_BYTES = 1024 * 1024;

/**
 * One ordering key's queue (workflow ID `order/<source>:<key>`). Its events run one at a time,
 * each as the child workflow `processWebhook` under the event's own workflow ID, so the event
 * looks in the Temporal UI and MongoDB exactly as an unordered one, and Temporal's refusal of
 * a second start of a completed ID keeps deduplication by event ID. A failed event does not
 * block the key: it ends Failed like any other (re-runnable under its ID) and the next runs.
 */
export async function sequenceEvents({ eventsPerRun, idleMs, pending = [] }: SequenceEventsInput): Promise<void> {
  const queue = [...pending];
  const queued = new Set(queue.map((input) => input.event.workflowId));
  setHandler(enqueueSignal, (input) => {
    // A redelivery while the first copy waits or runs.
    if (queued.has(input.event.workflowId)) return;
    queued.add(input.event.workflowId);
    queue.push(input);
  });
  setHandler(pendingQuery, () => queue.map((input) => input.event.workflowId));

  for (let handled = 0; ; handled++) {
    if (queue.length === 0 && !(await condition(() => queue.length > 0, idleMs))) return;
    if (shouldContinueAsNew(handled, eventsPerRun, queue)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof sequenceEvents>({ eventsPerRun, idleMs, pending: queue });
    }
    const input = queue[0];
    await runOne(input);
    queue.shift();
    queued.delete(input.event.workflowId);
  }
}

function shouldContinueAsNew(handled: number, eventsPerRun: number, queue: readonly ProcessWebhookInput[]): boolean {
  const info = workflowInfo();
  if (handled < eventsPerRun && !info.continueAsNewSuggested && info.historySize < MAX_HISTORY_BYTES) return false;
  return JSON.stringify(queue).length < MAX_CARRIED_BYTES;
}

async function runOne(input: ProcessWebhookInput): Promise<void> {
  const { event } = input;
  try {
    await executeChild(processWebhook, {
      workflowId: event.workflowId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      // The event outlives this queue's run: an operator may terminate the queue, not its events.
      parentClosePolicy: 'ABANDON',
      typedSearchAttributes: eventSearchAttributes(event),
      ...eventMetadata(event),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      log.info('event already processed; skipping the duplicate', { workflowId: event.workflowId });
    } else if (error instanceof ChildWorkflowFailure) {
      log.warn('event failed; the key moves on', { workflowId: event.workflowId, error: error.cause?.message });
    } else {
      throw error;
    }
  }
}
