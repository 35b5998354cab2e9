import { NotFoundError } from '../errors/http-errors';
import { startProcessing } from '../temporal/start-processing';
import type { AdminDeps } from './admin-deps';
import { ConflictError } from './admin-errors';
import { describeRun } from './describe-run';
import { intervention } from './intervention';
import { planForEvent } from './plan-for-event';
import { processingOptions } from './processing-options';
import { retryPlan } from './retry-plan';
import { whyNotRetryable } from './retry-eligibility';
import { toWebhookEvent } from './to-webhook-event';

export interface RunAgainOptions {
  readonly reason?: string;
  /** Check and build everything, start nothing. */
  readonly dryRun?: boolean;
  /** Awaited just before the start (bulk operations pace their starts here). */
  readonly beforeStart?: () => Promise<void>;
}

export interface RetryOutcome {
  readonly id: string;
  /** The same ID: a retry is a new run of the same workflow. */
  readonly workflowId: string;
  readonly started: boolean;
  /** An ordered route's event is queued behind its key's earlier events, not started at once. */
  readonly ordered: boolean;
  /** The actions this retry runs: those that did not succeed before. */
  readonly actions: string[];
  /** The actions that succeeded before: not run again, their records and results kept. */
  readonly alreadySucceeded: string[];
}

/**
 * Run a failed, terminated or cancelled event again under its workflow ID, from its stored body,
 * with the plan resolved from the config in force now, less the actions that already succeeded
 * (retry-plan.ts). Goes through startProcessing, so an ordered route's event queues behind its
 * key. 409 while it runs or once it has succeeded.
 */
export async function retryEvent(deps: AdminDeps, id: string, options: RunAgainOptions = {}): Promise<RetryOutcome> {
  const doc = await deps.events.findOne({ _id: id });
  if (!doc) throw new NotFoundError(`no event ${JSON.stringify(id)}`);
  const why = whyNotRetryable(await describeRun(deps.temporal, id), doc.status);
  if (why) throw new ConflictError(`event ${id} cannot be retried: ${why}`);
  const event = toWebhookEvent(doc);
  // A replay stays unordered when retried, like its first run.
  const plan = retryPlan(await planForEvent(deps.config, doc, deps.bodies, { unordered: doc.replayOf !== undefined }), doc.actions);
  const ordered = plan.ordering !== undefined;
  const actions = { actions: plan.actions.map((action) => action.name), alreadySucceeded: [...(plan.kept ?? [])] };
  if (options.dryRun) return { id, workflowId: id, started: false, ordered, ...actions };

  await options.beforeStart?.();
  const now = (deps.now ?? (() => new Date()))();
  // Written before the start, while no run writes to the document: the new run's first write
  // follows the start, and FerretDB loses one of two concurrent updates of a document.
  // recordEvent leaves `intervention` alone, so it stays on the document.
  await deps.events.updateOne({ _id: id }, { $set: { intervention: intervention('retry', options.reason, now), updatedAt: now } });
  let outcome;
  try {
    outcome = await startProcessing(deps.temporal, processingOptions(deps.config), { event, plan });
  } catch (error) {
    // Nothing started (Temporal unreachable, say): put back what was recorded before.
    await deps.events.updateOne(
      { _id: id },
      doc.intervention ? { $set: { intervention: doc.intervention } } : { $unset: { intervention: '' } },
    );
    throw error;
  }
  if (outcome === 'duplicate') throw new ConflictError(`event ${id} cannot be retried: it is already running again`);
  deps.logger.info({ workflowId: id, action: 'retry', reason: options.reason, ordered, ...actions }, 'event retried');
  return { id, workflowId: id, started: true, ordered, ...actions };
}
