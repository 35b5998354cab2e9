import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { BREAKER_OPERATOR_SIGNAL, breakerWorkflowId } from './breaker-input';

/**
 * An operator paused or resumed the destination: its breaker, if open, looks at once instead of
 * at its next cool-down (a resume closes it; a pause makes the pause the operator's). A breaker
 * that is not running has nothing to learn.
 */
export async function tellBreakerOfOperator(client: Client, taskQueue: string, destination: string): Promise<void> {
  try {
    await client.workflow.getHandle(breakerWorkflowId(taskQueue, destination)).signal(BREAKER_OPERATOR_SIGNAL);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
