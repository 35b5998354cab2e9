import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { ActionPlan, ProcessWebhookInput, RetryPlan } from '../src/types/webhook-event';

/**
 * Bookkeeping writes to MongoDB. No attempt limit: while MongoDB is down they keep retrying
 * (up to a day), so an acknowledged event is recorded as soon as the database is back.
 */
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Each action gets the retry policy and timeouts its route asked for. */
function actionActivities(retry: RetryPlan) {
  return proxyActivities<Activities>({
    startToCloseTimeout: retry.startToCloseMs,
    scheduleToCloseTimeout: retry.scheduleToCloseMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
      // 0 in the config means no attempt limit: the schedule-to-close timeout bounds the retries.
      ...(retry.maximumAttempts > 0 ? { maximumAttempts: retry.maximumAttempts } : {}),
      nonRetryableErrorTypes: ['PermanentError', 'HandlerMissing', 'EventMissing'],
    },
  });
}

export interface ProcessWebhookResult {
  readonly status: 'succeeded' | 'ignored';
  readonly results: Record<string, unknown>;
}

/**
 * One event: record it, run every action of its plan in parallel, record the outcome.
 * The plan was resolved at ingress, so a config change never alters a running workflow.
 * A failed action fails the workflow, so it shows as Failed in the Temporal UI and the same
 * workflow ID may run again (reuse policy ALLOW_DUPLICATE_FAILED_ONLY).
 */
export async function processWebhook({ event, plan }: ProcessWebhookInput): Promise<ProcessWebhookResult> {
  const { workflowId } = event;
  await bookkeeping.recordEvent(event, plan.actions.map((a) => a.name));
  if (plan.actions.length === 0) {
    await bookkeeping.recordOutcome({ workflowId, status: 'ignored' });
    return { status: 'ignored', results: {} };
  }

  const settled = await Promise.allSettled(
    plan.actions.map((action: ActionPlan) => actionActivities(action.retry).runAction(workflowId, action)),
  );
  const results: Record<string, unknown> = {};
  const failures: { action: string; message: string }[] = [];
  settled.forEach((outcome, i) => {
    const name = plan.actions[i].name;
    if (outcome.status === 'fulfilled') results[name] = outcome.value;
    else failures.push({ action: name, message: failureMessage(outcome.reason) });
  });

  if (failures.length > 0) {
    const error = failures.map((f) => `${f.action}: ${f.message}`).join('; ');
    await bookkeeping.recordOutcome({
      workflowId,
      status: 'failed',
      error,
      failedAction: failures.map((f) => f.action).join(', '),
    });
    throw ApplicationFailure.create({ type: 'ActionFailed', message: error, nonRetryable: true });
  }
  await bookkeeping.recordOutcome({ workflowId, status: 'succeeded' });
  return { status: 'succeeded', results };
}

function failureMessage(reason: unknown): string {
  if (reason instanceof ActivityFailure && reason.cause) return reason.cause.message;
  return reason instanceof Error ? reason.message : String(reason);
}
