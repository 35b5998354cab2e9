import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActionUpdate, Activities, FailureDetails } from '../activities/create-activities';
import { ACTION_PAUSED, type PausedDetails } from '../src/controls/action-paused';
import { controlKey, RESUME_SIGNAL } from '../src/controls/control-document';
import { actionErrorText } from '../src/errors/action-error-text';
import { limitedTaskQueue } from '../src/limits/limited-task-queue';
import { permitGate } from '../src/limits/permit-gate';
import { actionEvent } from '../src/types/action-event';
import type { TransformOutput } from '../src/transforms/transform-types';
import type { ActionPlan, ProcessWebhookInput } from '../src/types/webhook-event';

/**
 * Bookkeeping writes to MongoDB, as local activities: they run inside the workflow task, so
 * each costs one marker in the history instead of a scheduled activity and two more workflow
 * tasks. No attempt limit: while MongoDB is down they keep retrying, at least every 10 s and
 * for up to a day, so an acknowledged event is recorded soon after the database is back.
 */
const bookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * Each action gets the retry policy and timeouts its route asked for, and its name as the
 * activity ID, so the Temporal UI and a describe's pending activities say which action it is.
 */
function actionActivities(action: ActionPlan) {
  const { name, retry } = action;
  // A limited destination's forwards go to its own task queue (issue #13, src/limits/).
  const taskQueue = limitedTaskQueue(action, workflowInfo().taskQueue);
  return proxyActivities<Activities>({
    activityId: name,
    ...(taskQueue ? { taskQueue } : {}),
    startToCloseTimeout: retry.startToCloseMs,
    scheduleToCloseTimeout: retry.scheduleToCloseMs,
    heartbeatTimeout: retry.heartbeatTimeoutMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
      // 0 in the config means no attempt limit: the schedule-to-close timeout bounds the retries.
      ...(retry.maximumAttempts > 0 ? { maximumAttempts: retry.maximumAttempts } : {}),
      nonRetryableErrorTypes: ['PermanentError'],
    },
    // On cancellation, wait until the handler has stopped before recording `cancelled`.
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  });
}

/**
 * A route's transform (issue #13): a durable step before its actions. Its own failures are
 * permanent (`TransformFailed`); a worker dying or lacking it is retried, within a day.
 */
const transformStep = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['TransformFailed'] },
});

/** Sent by the admin API when a destination or source is resumed; the argument is its control key. */
export const resumeSignal = defineSignal<[string]>(RESUME_SIGNAL);

/**
 * How often a held event reads its pause again, in case a resume signal was missed (it was sent
 * while the event was being recorded as held). Each poll adds a few history events: a held event
 * costs about 1 500 a day, far below Temporal's 50 000 limit for a pause of weeks.
 */
const PAUSE_POLL = '5 minutes';

export interface ProcessWebhookResult {
  readonly status: 'succeeded' | 'ignored' | 'stale';
  readonly results: Record<string, unknown>;
}

/**
 * One event: record it, run every action of its plan in parallel, record the outcome.
 * The plan was resolved at ingress, so a config change never alters a running workflow.
 * A failed action fails the workflow, so it shows as Failed in the Temporal UI and the same
 * workflow ID may run again (reuse policy ALLOW_DUPLICATE_FAILED_ONLY).
 */
export async function processWebhook(input: ProcessWebhookInput): Promise<ProcessWebhookResult> {
  const { event, plan } = input;
  const { workflowId } = event;
  const resumed = new Set<string>();
  setHandler(resumeSignal, (key: string) => void resumed.add(key));
  // A destination's maxConcurrency: a forward runs only while holding one of its permits.
  const withPermit = permitGate();
  const runStartMs = workflowInfo().runStartTime.getTime();
  // Recorded by the receiver (issue #10): `processing`, each action pending or held on `paused`.
  const recorded = input.recorded !== undefined;
  const record = progressWriter(input, runStartMs);
  const { status, paused = [] } = input.recorded ? { status: 'processing' as const, paused: input.recorded.paused } : await bookkeeping.recordEvent(input, runStartMs);
  if (status !== 'processing') return { status, results: {} };
  // Paused destinations and sources hold durably (issue #13): no attempt is made and no timeout
  // runs until an operator resumes them, across worker and Temporal restarts.
  const untilResumed = async (key: string) => {
    do {
      await condition(() => resumed.has(key), PAUSE_POLL);
      resumed.delete(key);
    } while ((await bookkeeping.readPaused([key])).length > 0);
  };
  const sourceKey = controlKey('source', event.source);
  if (paused.includes(sourceKey)) {
    await untilResumed(sourceKey);
    await record({ release: { key: sourceKey } });
  }

  // Each action's outcome is written as it settles, one write at a time: the workflow is the
  // only writer of the document (see runAction). The last one is written with the event's
  // outcome, so the default path (one action) costs one write here; on a record the receiver
  // wrote, the action's successful attempt writes it instead, and the workflow none.
  // The default path (one handler, recorded by the receiver, nothing delayed, paused or limited)
  // goes through no step it does not need: each promise a workflow makes costs a stack trace,
  // captured and source-mapped by the SDK for the Temporal UI's stack trace query.
  const forActions = actionEvent(event);
  const transformed = plan.actions.some((action) => action.transform) ? await runTransforms(record, forActions, plan.actions) : {};
  const recordsOutcome = recorded && plan.actions.length === 1;
  let outcomeRecorded = false;
  const results: Record<string, unknown> = {};
  const failures: Failure[] = [];
  let writes: Promise<void> | undefined;
  let unsettled = plan.actions.length;
  let last: Record<string, ActionUpdate> = {};
  const write = (progress: Progress) => {
    writes = writes ? writes.then(() => record(progress)) : record(progress);
    return writes;
  };
  const settle = (name: string, update: ActionUpdate) => {
    if (--unsettled === 0) last = { [name]: update };
    else void write({ actions: { [name]: update } });
  };
  // A delayed route's action waits on a durable timer from the run's start (issue #13): a worker
  // or Temporal restart in between changes nothing. When due, it is recorded `pending` (and the
  // event `processing`) through the same one-at-a-time chain as every other write.
  const dueNow = (action: ActionPlan) => !action.delayMs && (action.kind !== 'forward' || !paused.includes(controlKey('destination', action.destination)));
  const whenDue = async (action: ActionPlan) => {
    const { name, delayMs } = action;
    if (delayMs) {
      await sleep(Math.max(1, runStartMs + delayMs - Date.now()));
      await write({ due: [name] });
    }
    if (action.kind !== 'forward') return;
    const key = controlKey('destination', action.destination);
    // Held from the start if recorded so; a delayed forward asks when it is due.
    let held = !delayMs && paused.includes(key);
    if (delayMs && (await bookkeeping.readPaused([key])).length > 0) {
      held = true;
      await write({ hold: { key, actions: [name] } });
    }
    if (!held) return;
    await untilResumed(key);
    await write({ release: { key, actions: [name] } });
  };
  // A retry that finds its source or destination paused makes no attempt (ActionPaused): the
  // action is held like one paused from the start, and runs again on resume, counting on from
  // the attempts it made, with its retry budget and timeouts afresh.
  const runHeld = async (action: ActionPlan) => {
    for (let priorAttempts = 0; ; ) {
      try {
        return await withPermit(action, () =>
          actionActivities(action).runAction({
            event: forActions,
            action,
            ...(action.transform ? { transformed: transformed[action.transform] } : {}),
            ...(recordsOutcome ? { recordsOutcome } : {}),
            ...(priorAttempts ? { priorAttempts } : {}),
          }),
        );
      } catch (reason) {
        const held = pausedDetails(reason);
        if (!held) throw reason;
        priorAttempts = held.attempt;
        for (const key of held.paused) {
          const actions = key === sourceKey ? undefined : [action.name];
          await write({ hold: { key, ...(actions ? { actions } : {}) } });
          await untilResumed(key);
          await write({ release: { key, ...(actions ? { actions } : {}) } });
        }
      }
    }
  };
  const runOne = (action: ActionPlan) =>
    (dueNow(action) ? runHeld(action) : whenDue(action).then(() => runHeld(action))).then(
      ({ result, attempt, outcomeRecorded: written }) => {
        results[action.name] = result;
        outcomeRecorded = written === true;
        settle(action.name, { status: 'succeeded', attempts: attempt, result });
      },
      (reason: unknown) => {
        failures.push({ action: action.name, reason });
        settle(action.name, actionUpdate(action.name, reason));
      },
    );
  await (plan.actions.length === 1 ? runOne(plan.actions[0]) : Promise.all(plan.actions.map(runOne)));
  const pending = writes;
  if (pending) await CancellationScope.nonCancellable(() => pending);
  if (failures.length > 0) return fail(record, failures, last);
  if (!outcomeRecorded) await record({ actions: last, outcome: { status: 'succeeded' } });
  return { status: 'succeeded', results };
}

type Progress = Omit<Parameters<typeof bookkeeping.recordProgress>[0], 'workflowId'>;
type RecordProgress = (progress: Progress) => Promise<void>;

/**
 * The run's writes to its record, one at a time. On a record the receiver wrote, the first
 * write may find none: the receiver removes its record when it saw the start fail (and answered
 * 503), yet Temporal may have started the run all the same (the answer was late). Then the run
 * records the event itself, from its input, and writes again.
 */
function progressWriter(input: ProcessWebhookInput, runStartMs: number): RecordProgress {
  const { workflowId } = input.event;
  let claimed = input.recorded === undefined;
  return async (progress) => {
    const written = await bookkeeping.recordProgress({ workflowId, ...progress });
    if (written || claimed) {
      claimed = true;
      return;
    }
    claimed = true;
    await bookkeeping.recordEvent(input, runStartMs);
    await bookkeeping.recordProgress({ workflowId, ...progress });
  };
}

interface Failure {
  readonly action: string;
  readonly reason: unknown;
}

/**
 * Run each transform the plan's routes name, once, in parallel, and record their outputs before
 * any action starts. A failed transform fails the event: its actions are recorded `skipped`.
 */
async function runTransforms(record: RecordProgress, event: ReturnType<typeof actionEvent>, actions: readonly ActionPlan[]): Promise<Record<string, TransformOutput>> {
  const names = [...new Set(actions.flatMap((action) => (action.transform ? [action.transform] : [])))];
  const outputs: Record<string, TransformOutput> = {};
  if (names.length === 0) return outputs;
  const failures: Failure[] = [];
  await Promise.all(
    names.map((transform) =>
      transformStep.runTransform({ event, transform }).then(
        (output) => void (outputs[transform] = output),
        (reason: unknown) => void failures.push({ action: `transform:${transform}`, reason }),
      ),
    ),
  );
  if (failures.length > 0) {
    const skipped = Object.fromEntries(actions.map((action) => [action.name, { status: 'skipped' } satisfies ActionUpdate]));
    return fail(record, failures, skipped);
  }
  await record({ transforms: outputs });
  return outputs;
}

/** Record the failure (or cancellation), then end the workflow Failed (or Cancelled). */
async function fail(record: RecordProgress, failures: Failure[], actions: Record<string, ActionUpdate>): Promise<never> {
  const error = failures.map((f) => actionErrorText(f.action, failureMessage(f.reason))).join('; ');
  const cancelled = failures.find((f) => isCancellation(f.reason));
  // Recorded even though the workflow is being cancelled, hence the non-cancellable scope.
  await CancellationScope.nonCancellable(() =>
    record({
      actions,
      outcome: { status: cancelled ? 'cancelled' : 'failed', error, failedActions: failures.map((f) => f.action) },
    }),
  );
  if (cancelled) throw cancelled.reason;
  throw ApplicationFailure.create({ type: 'ActionFailed', message: error, nonRetryable: true });
}

/** The details of a retry refused because its source or destination is paused, else undefined. */
function pausedDetails(reason: unknown): PausedDetails | undefined {
  const cause = reason instanceof ActivityFailure ? reason.cause : undefined;
  if (!(cause instanceof ApplicationFailure) || cause.type !== ACTION_PAUSED) return undefined;
  return cause.details?.[0] as PausedDetails | undefined;
}

/** A fan-out action's failure as recorded; the attempt count travels in the failure's details. */
function actionUpdate(name: string, reason: unknown): ActionUpdate {
  const cause = reason instanceof ActivityFailure ? reason.cause : undefined;
  const details = cause instanceof ApplicationFailure || cause instanceof CancelledFailure ? (cause.details?.[0] as FailureDetails | undefined) : undefined;
  const attempts = typeof details?.attempt === 'number' ? { attempts: details.attempt } : {};
  if (isCancellation(reason)) return { status: 'cancelled', ...attempts };
  return { status: 'failed', error: actionErrorText(name, failureMessage(reason)), ...attempts };
}

function failureMessage(reason: unknown): string {
  if (reason instanceof ActivityFailure && reason.cause) return reason.cause.message;
  return reason instanceof Error ? reason.message : String(reason);
}
