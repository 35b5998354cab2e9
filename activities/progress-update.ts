import type { UpdateFilter } from 'mongodb';
import type { ActionRecord, EventDocument } from '../src/store/documents';
import { needsJsonText, storableText } from '../src/store/storable';
import type { TransformOutput } from '../src/transforms/transform-types';
import type { ActionStatus, EventStatus } from '../src/types/webhook-event';

/** How an action of a fan-out ended, as the workflow saw it. */
export interface ActionUpdate {
  /** `skipped`: a transform before it failed, so it never ran. */
  readonly status: Extract<ActionStatus, 'succeeded' | 'failed' | 'cancelled' | 'skipped'>;
  /** Absent when Temporal did not say (a timeout, a cancellation). */
  readonly attempts?: number;
  readonly result?: unknown;
  readonly error?: string;
}

export interface ProgressInput {
  readonly workflowId: string;
  readonly actions?: Readonly<Record<string, ActionUpdate>>;
  /** What each transform of the plan returned, recorded before the actions run. */
  readonly transforms?: Readonly<Record<string, TransformOutput>>;
  /** Delayed actions whose time has come: `pending` now, and the event `processing`. */
  readonly due?: readonly string[];
  /** Held on a paused key: these actions (a destination's), or the whole event (a source's) without any. */
  readonly hold?: { readonly key: string; readonly actions?: readonly string[] };
  /** The key was resumed: the actions `pending` again, or the event `processing`. */
  readonly release?: { readonly key: string; readonly actions?: readonly string[] };
  readonly outcome?: {
    readonly status: Extract<EventStatus, 'succeeded' | 'failed' | 'cancelled'>;
    readonly error?: string;
    /** Actions that ended unsuccessfully (failed or cancelled). */
    readonly failedActions?: readonly string[];
  };
}

/**
 * The record of `runId`: the one that run wrote, or the receiver's insert that no run has
 * written yet (it has no run ID: the receiver writes before the start that makes one). Writes
 * from any other run, an older one's straggler say, match nothing. Nor does a record the admin
 * API marked `terminated`: it removes the run ID so the terminated run's late writes miss, and
 * a record without one must not take them either.
 */
export function ownRecord(workflowId: string, runId: string) {
  return { _id: workflowId, status: { $ne: 'terminated' as const }, $or: [{ runId }, { runId: { $exists: false } }] };
}

/** The update one progress write makes, claiming the record for `runId` (see ownRecord). */
export function progressUpdate(
  { actions = {}, transforms: outputs = {}, due = [], hold, release, outcome }: Omit<ProgressInput, 'workflowId'>,
  runId: string,
  now: Date,
): UpdateFilter<EventDocument> {
  const set: Record<string, unknown> = { updatedAt: now, runId };
  const unsetFields: Record<string, ''> = {};
  for (const name of due) set[`actions.${name}.status`] = 'pending';
  if (due.length > 0 && !outcome) set.status = 'processing';
  if (due.length > 0) unsetFields.scheduledFor = '';
  if (hold) {
    set[`heldOn.${hold.key}`] = true;
    for (const name of hold.actions ?? []) set[`actions.${name}.status`] = 'held';
    if (!hold.actions) set.status = 'held';
  }
  if (release) {
    unsetFields[`heldOn.${release.key}`] = '';
    for (const name of release.actions ?? []) set[`actions.${name}.status`] = 'pending';
    if (!release.actions) set.status = 'processing';
  }
  // A transform's output as recorded: JSON text when it has keys MongoDB-protocol servers refuse.
  for (const [name, output] of Object.entries(outputs)) {
    set[`transforms.${name}`] = needsJsonText(output) ? { outputJson: JSON.stringify(output) } : output;
  }
  let attempts = 0;
  for (const [name, update] of Object.entries(actions)) {
    const field = (key: keyof ActionRecord) => `actions.${name}.${key}`;
    set[field('status')] = update.status;
    if (update.attempts !== undefined) {
      set[field('attempts')] = update.attempts;
      attempts = Math.max(attempts, update.attempts);
    }
    if (update.error !== undefined) set[field('error')] = storableText(update.error);
    if ('result' in update) Object.assign(set, storableResult(field, update.result ?? null));
    set[field('finishedAt')] = now;
  }
  if (outcome) {
    set.status = outcome.status;
    set.completedAt = now;
    if (outcome.error) set.lastError = storableText(outcome.error);
    if (outcome.failedActions?.length) set.failedAction = outcome.failedActions.join(', ');
  }
  return { $set: set, $max: { attempts }, ...(Object.keys(unsetFields).length > 0 ? { $unset: unsetFields } : {}) };
}

function storableResult(field: (key: keyof ActionRecord) => string, result: unknown): Record<string, unknown> {
  return needsJsonText(result) ? { [field('resultJson')]: JSON.stringify(result) } : { [field('result')]: result };
}
