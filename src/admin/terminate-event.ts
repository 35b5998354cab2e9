import { WorkflowNotFoundError } from '@temporalio/client';
import type { AdminDeps } from './admin-deps';
import { ConflictError } from './admin-errors';
import { findRunningEvent } from './find-running-event';
import { intervention } from './intervention';

export interface StopOutcome {
  readonly id: string;
  readonly runId: string;
  readonly status: 'terminated' | 'cancel_requested';
}

/**
 * Terminate the event's running workflow at once: no cleanup runs, and a terminated workflow
 * writes nothing, so the event is marked `terminated` here, with the operator's reason.
 */
export async function terminateEvent(deps: AdminDeps, id: string, reason: string): Promise<StopOutcome> {
  const { doc, run } = await findRunningEvent(deps, id, 'terminate');
  try {
    // Pinned to the run we saw, so a newer run started meanwhile is never the one terminated.
    await deps.temporal.workflow.getHandle(id, run.runId).terminate(reason);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ConflictError(`cannot terminate event ${id}: it ended meanwhile`);
    throw error;
  }
  const now = (deps.now ?? (() => new Date()))();
  // After the termination, so the event is never marked terminated while it still runs. An
  // attempt of the terminated run may still be in flight (it learns of the end at its next
  // heartbeat); its writes are guarded by runId (activities/create-activities.ts), so removing
  // runId keeps it from overwriting `terminated` with its own outcome. A retry sets a new runId.
  if (doc) {
    await deps.events.updateOne(
      { _id: id },
      {
        $set: { status: 'terminated', completedAt: now, updatedAt: now, intervention: intervention('terminate', reason, now) },
        $unset: { runId: '' },
      },
    );
  }
  deps.logger.info({ workflowId: id, runId: run.runId, action: 'terminate', reason, recorded: doc !== null }, 'event terminated');
  return { id, runId: run.runId, status: 'terminated' };
}
