import { WorkflowNotFoundError } from '@temporalio/client';
import type { AdminDeps } from './admin-deps';
import { ConflictError } from './admin-errors';
import { findRunningEvent } from './find-running-event';
import { intervention } from './intervention';
import type { StopOutcome } from './terminate-event';

/**
 * Ask the event's workflow to cancel: running handlers see their abort signal, and the workflow
 * records `cancelled` itself once they have stopped (activities/create-activities.ts).
 */
export async function cancelEvent(deps: AdminDeps, id: string, reason: string): Promise<StopOutcome> {
  const { doc, run } = await findRunningEvent(deps, id, 'cancel');
  const now = (deps.now ?? (() => new Date()))();
  // Written BEFORE the request: afterwards the workflow writes its outcome, and FerretDB applies
  // updates as read-modify-write, so two concurrent writers of one document lose one update.
  if (doc) await deps.events.updateOne({ _id: id }, { $set: { intervention: intervention('cancel', reason, now), updatedAt: now } });
  try {
    await deps.temporal.workflow.getHandle(id, run.runId).cancel();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      // It ended meanwhile; nothing was cancelled, so put back what was recorded before.
      if (doc) {
        await deps.events.updateOne(
          { _id: id },
          doc.intervention ? { $set: { intervention: doc.intervention } } : { $unset: { intervention: '' } },
        );
      }
      throw new ConflictError(`cannot cancel event ${id}: it ended meanwhile`);
    }
    throw error;
  }
  deps.logger.info({ workflowId: id, runId: run.runId, action: 'cancel', reason, recorded: doc !== null }, 'event cancellation requested');
  return { id, runId: run.runId, status: 'cancel_requested' };
}
