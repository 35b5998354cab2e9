import { proxyActivities } from '@temporalio/workflow';
import type { BareActivities } from '../bare-activities';

const { noop } = proxyActivities<BareActivities>({
  // The shipped defaults of a hookflow action (src/config/schema.ts), so the baseline's activity
  // is scheduled with the same timeouts the measured one is.
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '300 seconds' },
});

/**
 * The (d) baseline: what Temporal alone costs for one event of the same input size, with one
 * scheduled activity and no bookkeeping. Its history: started, a workflow task, the activity,
 * a workflow task, completed (11 events; hookflow's default path is 12, with its marker).
 */
export async function bareOneActivity(input: { event: { workflowId: string } }): Promise<void> {
  await noop(input.event.workflowId);
}
