import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { breakerInput, breakerWorkflowId, BREAKER_ATTEMPT_SIGNAL, type BreakerAttempt, type BreakerInput } from '../breaker/breaker-input';
import type { DestinationConfig } from '../config/load-config';
import type { AlertRule } from './alert-rule';
import { anyRule, reportAlert } from './report-alert';

/** Where a worker's activities report what alerts and breakers watch. */
export interface AlertFeed {
  /** A forward attempt ended (not cancelled): to the destination's breaker and destination.failing rules. */
  forwardAttempt(client: Client, destination: string, attempt: BreakerAttempt): Promise<void>;
  /** An event was recorded `failed`: to the event.failed rules of its source. */
  eventFailed(client: Client, workflowId: string, error: string | undefined): Promise<void>;
}

/**
 * Reports go straight to the workflow that owns the condition (signalWithStart: one round trip,
 * and only for a destination or source something watches), so no counter is shared between
 * workers or written to MongoDB by several of them. The workflows run on the main task queue,
 * whichever queue the reporting activity runs on (a limited destination has its own).
 */
export function createAlertFeed(rules: readonly AlertRule[], destinations: ReadonlyMap<string, DestinationConfig>, taskQueue: string): AlertFeed {
  return {
    async forwardAttempt(client, destination, attempt) {
      const settings = destinations.get(destination)?.circuitBreaker;
      await Promise.all([
        settings ? tellBreaker(client, taskQueue, destination, breakerInput(destination, settings), attempt) : undefined,
        anyRule(rules, 'destination.failing', destination)
          ? reportAlert({ client, taskQueue, rules }, 'destination.failing', destination, {
              kind: 'count',
              at: attempt.at,
              failed: attempt.ok ? 0 : 1,
              total: 1,
              ...(attempt.error ? { detail: attempt.error } : {}),
            })
          : undefined,
      ]);
    },
    async eventFailed(client, workflowId, error) {
      // `<source>:<eventId>`: source names hold no colon.
      const source = workflowId.slice(0, workflowId.indexOf(':'));
      if (!anyRule(rules, 'event.failed', source)) return;
      await reportAlert({ client, taskQueue, rules }, 'event.failed', source, {
        kind: 'count',
        at: Date.now(),
        failed: 1,
        ids: [workflowId],
        detail: `${workflowId}${error ? `: ${error.slice(0, 300)}` : ''}`,
      });
    },
  };
}

/**
 * A failure starts the breaker if it is not running; a success only reaches a running one (it
 * clears a run of failures), so a healthy destination costs no workflow at all.
 */
async function tellBreaker(client: Client, taskQueue: string, destination: string, input: BreakerInput, attempt: BreakerAttempt): Promise<void> {
  const workflowId = breakerWorkflowId(taskQueue, destination);
  if (!attempt.ok) {
    await client.workflow.signalWithStart('destinationBreaker', { workflowId, taskQueue, args: [input], signal: BREAKER_ATTEMPT_SIGNAL, signalArgs: [attempt] });
    return;
  }
  try {
    await client.workflow.getHandle(workflowId).signal(BREAKER_ATTEMPT_SIGNAL, attempt);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
