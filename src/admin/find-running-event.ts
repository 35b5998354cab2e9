import { NotFoundError } from '../errors/http-errors';
import type { EventDocument } from '../store/documents';
import type { AdminDeps } from './admin-deps';
import { ConflictError } from './admin-errors';
import { describeRun, type RunInfo } from './describe-run';

/**
 * The running workflow of an event, for terminate and cancel, with the bits of its document
 * they need. 404 when neither MongoDB nor Temporal knows the ID, 409 when it is not running.
 */
export async function findRunningEvent(
  deps: Pick<AdminDeps, 'events' | 'temporal'>,
  id: string,
  action: 'terminate' | 'cancel',
): Promise<{ doc: Pick<EventDocument, '_id' | 'status' | 'intervention'> | null; run: RunInfo }> {
  const [doc, run] = await Promise.all([
    deps.events.findOne({ _id: id }, { projection: { _id: 1, status: 1, intervention: 1 } }),
    describeRun(deps.temporal, id),
  ]);
  if (!doc && !run) throw new NotFoundError(`no event ${JSON.stringify(id)}`);
  if (run?.status !== 'RUNNING') {
    const state = run ? `its workflow is ${run.status}` : 'Temporal has no workflow for it';
    throw new ConflictError(`cannot ${action} event ${id}: it is not running (${state}${doc ? `, status ${doc.status}` : ''})`);
  }
  return { doc, run };
}
