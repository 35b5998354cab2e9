import { NotFoundError } from '../errors/http-errors';
import { startReplay } from '../temporal/start-replay';
import type { AdminDeps } from './admin-deps';
import { ConflictError } from './admin-errors';
import { planForEvent } from './plan-for-event';
import { processingOptions } from './processing-options';
import { nextReplayNumber, replayWorkflowId } from './replay-id';
import type { RunAgainOptions } from './retry-event';
import { toWebhookEvent } from './to-webhook-event';

export interface ReplayOutcome {
  readonly id: string;
  /** `<original>#replay-<n>`; absent on a dry run, which reserves no number. */
  readonly workflowId?: string;
  /** The event replayed: the original, also when a replay was asked to be replayed. */
  readonly replayOf: string;
  readonly started: boolean;
}

/** Starts raced by a concurrent replay of the same event before we give up. */
const MAX_TRIES = 20;

/**
 * Run any event again, succeeded ones too, as a new workflow `<id>#replay-<n>` with `replayOf`
 * set: its own run and (written by the workflow) its own document, the original untouched. Uses
 * the stored body, never a fresh delivery, and runs unordered so it is never `stale`.
 */
export async function replayEvent(deps: AdminDeps, id: string, options: RunAgainOptions = {}): Promise<ReplayOutcome> {
  const doc = await deps.events.findOne({ _id: id });
  if (!doc) throw new NotFoundError(`no event ${JSON.stringify(id)}`);
  // Replays hang off the original, so `#replay-1#replay-1` never appears.
  const original = doc.replayOf ?? doc._id;
  const event = toWebhookEvent(doc, { replayOf: original });
  const plan = await planForEvent(deps.config, doc, deps.bodies, { unordered: true });
  if (options.dryRun) return { id, replayOf: original, started: false };

  await options.beforeStart?.();
  // The replay's own time, for the lists; its receivedAt and occurredAt stay the original's.
  const replayedAt = (deps.now ?? (() => new Date()))().toISOString();
  // Numbers come from the recorded replays; one started but not yet recorded (or a concurrent
  // replay) holds its ID in Temporal, and the start then moves on to the next number.
  const recorded = await deps.events
    .find({ _id: { $gt: `${original}#replay-`, $lt: `${original}#replay.` } }, { projection: { _id: 1 } })
    .toArray();
  let n = nextReplayNumber(original, recorded.map((r) => r._id));
  for (let tries = 0; tries < MAX_TRIES; tries++, n++) {
    const workflowId = replayWorkflowId(original, n);
    const outcome = await startReplay(deps.temporal, processingOptions(deps.config), { event: { ...event, workflowId, replayedAt }, plan });
    if (outcome === 'started') {
      deps.logger.info({ workflowId, replayOf: original, action: 'replay', reason: options.reason }, 'event replayed');
      return { id, workflowId, replayOf: original, started: true };
    }
  }
  throw new ConflictError(`no free replay number for ${original} after ${MAX_TRIES} tries; try again`);
}
