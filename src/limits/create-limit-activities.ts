import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { destinationPermits } from './destination-permits';
import { acquirePermitSignal, type PermitRequest } from './permit-signals';

export interface AskPermitInput {
  readonly permitsWorkflowId: string;
  /** Where the permits workflow runs: the asker's own task queue. */
  readonly taskQueue: string;
  readonly destination: string;
  readonly request: PermitRequest;
}

/**
 * The limits' activities (src/limits/), over a Temporal client: a workflow can signal another
 * but not start one, and the permits workflow is started by the first ask.
 */
export function createLimitActivities({ client }: { readonly client: Client }) {
  return {
    /** Ask the destination's permits workflow for a permit, starting it if it is not running. */
    async askPermit({ permitsWorkflowId, taskQueue, destination, request }: AskPermitInput): Promise<void> {
      await client.workflow.signalWithStart<typeof destinationPermits, [PermitRequest]>('destinationPermits', {
        workflowId: permitsWorkflowId,
        taskQueue,
        args: [{ destination, limit: request.limit }],
        signal: acquirePermitSignal,
        signalArgs: [request],
      });
    },

    /** The tokens of these holders whose run is no longer open (it will never release). */
    async closedRuns(holders: readonly PermitRequest[]): Promise<string[]> {
      const closed: string[] = [];
      for (const { token, workflowId, runId } of holders) {
        try {
          const { status } = await client.workflow.getHandle(workflowId, runId).describe();
          if (status.name !== 'RUNNING') closed.push(token);
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) closed.push(token);
          else throw error;
        }
      }
      return closed;
    },
  };
}

export type LimitActivities = ReturnType<typeof createLimitActivities>;
