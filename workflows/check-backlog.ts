import { proxyLocalActivities } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/create-alert-activities';

/** Local: the check must not wait in the backlog it measures. */
const { observeBacklog } = proxyLocalActivities<AlertActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/**
 * A `backlog.high` rule's check, started by its Schedule every `checkEvery`
 * (src/alerts/ensure-alert-schedules.ts): one read of the backlog, told to the rule's condition.
 */
export async function checkBacklog(input: { rule: string }): Promise<{ backlog: number; firing: boolean }> {
  return observeBacklog(input);
}
