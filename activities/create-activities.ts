import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Collection } from 'mongodb';
import type { AlertFeed } from '../src/alerts/worker-alert-feed';
import type { DestinationConfig } from '../src/config/load-config';
import type { ControlDocument } from '../src/controls/control-document';
import { ACTION_PAUSED, type PausedDetails } from '../src/controls/action-paused';
import { controlKeysOf, eventHolds } from '../src/controls/event-holds';
import { pausedKeys } from '../src/controls/paused-keys';
import { actionErrorText, thrownMessage } from '../src/errors/action-error-text';
import { forwardEvent } from '../src/forward/forward-event';
import { ForwardError } from '../src/forward/forward-error';
import type { HandlerContext, HandlerEvent, Handlers } from '../src/handlers/types';
import { applyTransform, transformedEvent } from '../src/transforms/apply-transform';
import { TransformError } from '../src/transforms/transform-error';
import type { TransformOutput, Transforms } from '../src/transforms/transform-types';
import type { ActivityMetrics, AttemptOutcome } from '../src/metrics/activity-metrics';
import { attemptId, insertAttempt, type AttemptDocument, type AttemptStatus } from '../src/store/attempt-records';
import type { BodyStore } from '../src/store/body-store';
import type { ActionRecord, EventDocument } from '../src/store/documents';
import { actionRecord, receivedFields } from '../src/store/event-record';
import { settleWithin } from '../src/store/settle-within';
import { storableText } from '../src/store/storable';
import type { ActionEvent } from '../src/types/action-event';
import type { ActionPlan, ActionStatus, EventStatus, ProcessWebhookInput } from '../src/types/webhook-event';
import { failedAttemptOutcome } from './attempt-outcome';
import { forwardBody, toHandlerEvent } from './handler-event';
import { ownRecord, progressUpdate, type ProgressInput } from './progress-update';

export interface ActivityDeps {
  readonly events: Collection<EventDocument>;
  readonly bodies: BodyStore;
  readonly handlers: Handlers;
  /** The handlers module's `transforms`, which routes name (src/transforms/). */
  readonly transforms?: Transforms;
  /** Paused destinations and sources (src/controls/); without it nothing is ever paused. */
  readonly controls?: Collection<ControlDocument>;
  /** Forward targets with their secrets, which never enter Temporal's history. */
  readonly destinations: ReadonlyMap<string, DestinationConfig>;
  readonly fetch?: typeof fetch;
  /** Told of each final status and action attempt this worker writes (its /metrics). */
  readonly metrics?: ActivityMetrics;
  /** Told of forward attempts and failed events, for circuit breakers and alerts (src/alerts/). */
  readonly alertFeed?: AlertFeed;
  /** Where an attempt that did not succeed records itself (the event's timeline); without it, nowhere. */
  readonly attempts?: Collection<AttemptDocument>;
}

export interface RecordedEvent {
  /**
   * `processing` when the actions should run; `ignored` and `stale` are final, and so is
   * `succeeded`: a retry whose every action had already succeeded has nothing left to run.
   */
  readonly status: Extract<EventStatus, 'processing' | 'ignored' | 'stale' | 'succeeded'>;
  /** Control keys (`source-<name>`, `destination-<name>`) paused when the event was recorded; held on. */
  readonly paused?: readonly string[];
}

export interface ActionSuccess {
  readonly result: unknown;
  readonly attempt: number;
  /** With `recordsOutcome`: whether this attempt wrote the event's outcome (else the workflow must). */
  readonly outcomeRecorded?: boolean;
}

export type { ActionUpdate, ProgressInput } from './progress-update';

export interface RunActionInput {
  readonly event: ActionEvent;
  readonly action: ActionPlan;
  /** The output of the action's route transform, when it has one. */
  readonly transformed?: TransformOutput;
  /**
   * The event's only action, on a record the receiver wrote (issue #10): on success this attempt
   * writes the event's outcome too, so the workflow ends without a write of its own.
   */
  readonly recordsOutcome?: boolean;
  /** Attempts an earlier activity of this action made before a pause held it; this one counts on from them. */
  readonly priorAttempts?: number;
}

export interface RunTransformInput {
  readonly event: ActionEvent;
  readonly transform: string;
}

/** Sent with every action failure, so the workflow knows how many attempts a fan-out action took. */
export interface FailureDetails {
  readonly attempt: number;
}

/**
 * Activities over injected collections, handlers and destinations. Every write targets the one
 * event document by workflow ID and is guarded by the run ID, so an activity retried after a
 * crash writes the same fields again, and a straggler from an older run writes nothing.
 * On the default path (one action, recorded by the receiver) an event costs one write here: its
 * outcome, from the attempt that succeeded. Recorded by the workflow instead (a delay, ordering,
 * a retry, a pause; see recordableAtIngress), recordEvent and the outcome. One more write per
 * further action of a fan-out; no read.
 */
/** How long a failed attempt waits for its record's insert (or the outcome's write) before going on without it. */
const ATTEMPT_RECORD_MS = 2_000;

export function createActivities({ events, bodies, handlers, transforms = {}, controls, destinations, fetch: fetchImpl, metrics, alertFeed, attempts }: ActivityDeps) {
  return {
    /**
     * First step of every run (a local activity: no extra round trip through Temporal): the event
     * as received. Decides `ignored` (no actions) and `stale` (an ordered route asked for it and a
     * newer event of the key has already succeeded) in the same write.
     */
    async recordEvent({ event, plan }: ProcessWebhookInput, runStartedAtMs: number): Promise<RecordedEvent> {
      const now = new Date();
      const { workflowId } = event;
      // A retry keeps the records (results included) of the actions that succeeded before, and
      // does not run them again (src/admin/retry-plan.ts). Read only on such a retry.
      const kept = plan.kept?.length ? await keptRecords(workflowId, plan.kept) : {};
      let status: RecordedEvent['status'] = plan.actions.length > 0 ? 'processing' : plan.kept?.length ? 'succeeded' : 'ignored';
      if (status === 'processing' && plan.ordering?.skipStale && event.occurredAt) {
        // Events of a key run one at a time, so every earlier event's outcome is already written.
        const newer = await events.findOne(
          {
            source: event.source,
            orderingKey: storableText(plan.ordering.key),
            status: 'succeeded',
            occurredAt: { $gt: new Date(event.occurredAt) },
          },
          { projection: { _id: 1 } },
        );
        if (newer) status = 'stale';
      }
      const received = receivedFields({ event, plan });
      const final = status !== 'processing';
      // Paused now (issue #13): the source holds the whole event, a destination its forwards.
      const paused = final || !controls ? [] : await pausedKeys(controls, controlKeysOf(event.source, plan.actions));
      // A delayed forward asks again when it is due; the others are held from the start.
      const { sourceHeld, heldAction, heldOn } = eventHolds(event.source, plan.actions, paused);
      // A delayed route's actions wait on a workflow timer from the run's start (issue #13).
      const dueAt = (action: ActionPlan) => (action.delayMs && !final ? new Date(runStartedAtMs + action.delayMs) : undefined);
      const actions: Record<string, ActionRecord> = {
        ...kept,
        ...Object.fromEntries(
          plan.actions.map((action) => {
            const due = dueAt(action);
            const record = actionRecord(action, final ? 'skipped' : due ? 'scheduled' : heldAction(action) ? 'held' : 'pending');
            return [action.name, due ? { ...record, scheduledFor: due } : record];
          }),
        ),
      };
      // Every action delayed: the event is `scheduled` until the first of them is due.
      const dues = plan.actions.map(dueAt);
      const scheduledFor = dues.length > 0 && dues.every((d) => d !== undefined) ? new Date(Math.min(...dues.map((d) => d!.getTime()))) : undefined;
      const runId = currentRunId();
      const runStartedAt = new Date(runStartedAtMs);
      try {
        // Only a document of an older run (or none) is reset. If this run recorded the event
        // already, this is a re-execution of the local activity (its workflow task was retried,
        // say while Temporal restarted, and a straggling attempt may finish late): the filter
        // misses, the upsert collides on _id, and the run's progress is left as it is. The same
        // holds for a straggler of an earlier run arriving after a newer run (a retry, a reset)
        // has recorded the event: run IDs are not ordered, so runs are told apart by start time.
        await events.updateOne(
          {
            _id: workflowId,
            runId: { $ne: runId },
            $or: [{ runStartedAt: { $exists: false } }, { runStartedAt: { $lt: runStartedAt } }],
          },
          {
            $setOnInsert: { createdAt: now },
            $set: {
              ...received.fields,
              // A re-run after a failure starts its bookkeeping afresh.
              actions,
              status: sourceHeld ? 'held' : scheduledFor ? 'scheduled' : status,
              ...(scheduledFor ? { scheduledFor } : {}),
              ...(heldOn.length > 0 ? { heldOn: Object.fromEntries(heldOn.map((key) => [key, true])) } : {}),
              attempts: 0,
              runId,
              runStartedAt,
              updatedAt: now,
              ...(final ? { completedAt: now } : {}),
            },
            $unset: Object.fromEntries(
              [...received.unset, 'lastError', 'failedAction', 'transforms', ...(scheduledFor ? [] : ['scheduledFor']), ...(heldOn.length > 0 ? [] : ['heldOn']), ...(plan.refused ? [] : ['refusedBy']), ...(final ? [] : ['completedAt'])].map((field) => [field, '']),
            ),
          },
          { upsert: true },
        );
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        const recorded = await events.findOne({ _id: workflowId }, { projection: { status: 1 } });
        if (recorded?.status === 'ignored' || recorded?.status === 'stale') return { status: recorded.status };
        // A re-execution holds on what this attempt found paused too: a resume or the poll releases it.
        return status === 'succeeded' ? { status } : { status: 'processing', ...(heldOn.length > 0 ? { paused: heldOn } : {}) };
      }
      if (status !== 'processing') metrics?.eventFinished(status);
      return heldOn.length > 0 ? { status, paused: heldOn } : { status };
    },

    /** Which of these control keys are paused now (a delayed action, when due; a held event, polling). */
    async readPaused(keys: readonly string[]): Promise<string[]> {
      return controls ? pausedKeys(controls, keys) : [];
    },

    /**
     * Run one action. Throws to let Temporal retry; a PermanentError from a handler or a
     * permanent answer from a destination fails it for good.
     *
     * It reads nothing and writes nothing to the event document: the event comes in its input,
     * and the workflow records the outcome once the attempt has ended (issue #18). An attempt
     * Temporal has given up on (its heartbeat was missed on a loaded machine) may still be
     * running, and a write from it could land after the outcome; on FerretDB, which applies an
     * update as read-modify-write of the whole document, such a write put an event that had
     * succeeded back to `processing`.
     */
    async runAction({ event: input, action, transformed, recordsOutcome, priorAttempts = 0 }: RunActionInput): Promise<ActionSuccess> {
      const ctx = Context.current();
      const { heartbeatTimeoutMs } = ctx.info;
      const attempt = ctx.info.attempt + priorAttempts;
      // A retry asks first whether its source or destination was paused since the event was
      // recorded (a destination paused while its forwards fail, the usual case): then it makes no
      // attempt and ends with DestinationPaused, and the workflow holds the action until resumed.
      if (attempt > 1) await refuseIfPaused(input.source, action, attempt);
      const started = process.hrtime.bigint();
      const startedAt = new Date();
      // For the metrics: what this attempt's end means for the action.
      let outcome: AttemptOutcome = 'retrying';
      const { workflowId } = input;

      // Heartbeats tell Temporal this worker is alive (a dead one's attempt is retried after
      // heartbeatTimeoutMs, not startToCloseMs) and are how cancellation reaches the activity.
      // Plain beats carry no details, so they would erase a handler's progress: repeat the last.
      let details: unknown = ctx.info.heartbeatDetails;
      const beat = heartbeatTimeoutMs ? setInterval(() => ctx.heartbeat(details), Math.max(50, heartbeatTimeoutMs / 3)) : undefined;
      try {
        const event = transformedEvent(await toHandlerEvent(input, bodies), transformed);
        const context: HandlerContext = {
          attempt,
          idempotencyKey: `${workflowId}/${action.name}`,
          signal: ctx.cancellationSignal,
          heartbeat: (progress?: unknown) => {
            details = progress;
            ctx.heartbeat(progress);
          },
          lastHeartbeatDetails: ctx.info.heartbeatDetails,
        };
        const result =
          (await (action.kind === 'handler' ? runHandler(action.handler, event, context) : runForward(action, event, context, transformed))) ??
          null;
        outcome = 'succeeded';
        if (action.kind === 'forward') await reportAttempt(action.destination, { ok: true, at: Date.now() });
        if (!recordsOutcome) return { result, attempt };
        return { result, attempt, outcomeRecorded: await recordSuccess(workflowId, action.name, attempt, result) };
      } catch (error) {
        // A cancelled activity must end with the CancelledFailure for Temporal to see it as such.
        const cancelled = ctx.cancellationSignal.aborted;
        // It carries the attempt number like any failure: the workflow records it, not this attempt.
        const failure = cancelled
          ? new CancelledFailure((ctx.cancellationSignal.reason as Error | undefined)?.message ?? 'CANCELLED', [{ attempt } satisfies FailureDetails])
          : toFailure(error, attempt);
        if (action.kind === 'forward' && !cancelled) await reportAttempt(action.destination, { ok: false, at: Date.now(), error: failure.message.slice(0, 300) });
        // Temporal cancels an attempt it timed out with TIMED_OUT; one whose worker died never gets here.
        const status: AttemptStatus = !cancelled ? 'failed' : failure.message === 'TIMED_OUT' ? 'timed out' : 'cancelled';
        await recordAttempt(input, action.name, attempt, status, failure.message, startedAt);
        outcome = failedAttemptOutcome({
          cancelled,
          nonRetryable: isPermanent(failure),
          attempt,
          maximumAttempts: ctx.info.retryPolicy?.maximumAttempts ?? action.retry.maximumAttempts,
          retry: action.retry,
          ...(failure instanceof ApplicationFailure && typeof failure.nextRetryDelay === 'number' ? { nextRetryDelayMs: failure.nextRetryDelay } : {}),
          scheduledAtMs: ctx.info.scheduledTimestampMs,
          scheduleToCloseMs: ctx.info.scheduleToCloseTimeoutMs,
          nowMs: Date.now(),
        });
        throw failure;
      } finally {
        clearInterval(beat);
        metrics?.actionAttempt(action.kind, outcome, attempt, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },

    /**
     * A route's transform, as a durable step before its actions (issue #13). Reads and writes
     * nothing: the workflow records the output. Whatever the transform throws, or an output that
     * is not one, fails the event at once (`TransformFailed`, not retried); a worker without the
     * transform (a rolling deploy) is retried.
     */
    async runTransform({ event, transform }: RunTransformInput): Promise<TransformOutput> {
      const fn = transforms[transform];
      if (!fn) throw ApplicationFailure.retryable(`no transform named ${transform} on this worker`, 'TransformMissing');
      try {
        return await applyTransform(transform, fn, await toHandlerEvent(event, bodies));
      } catch (error) {
        if (error instanceof TransformError) throw ApplicationFailure.nonRetryable(error.message, 'TransformFailed');
        throw error;
      }
    },

    /**
     * The workflow's writes after ingress, one at a time: settled actions of a fan-out, and,
     * with the last of them, the event's outcome. The workflow is the only writer of an event's
     * document once it is recorded, so no two writes of one event overlap (see runAction).
     */
    /**
     * One write of the workflow's: an action settled, a transform's output, a hold or release,
     * the outcome. False when it matched no record of this run: the receiver's record was
     * removed (the receiver saw its start fail) and the workflow must record the event again.
     */
    async recordProgress({ workflowId, ...progress }: ProgressInput): Promise<boolean> {
      const { outcome } = progress;
      const { matchedCount } = await events.updateOne(ownRecord(workflowId, currentRunId()), progressUpdate(progress, currentRunId(), new Date()));
      if (matchedCount === 0) return false;
      if (outcome) metrics?.eventFinished(outcome.status);
      // After the write, and retried with it: a failed event always reaches its alert rules.
      if (outcome?.status === 'failed') await alertFeed?.eventFailed(Context.current().client, workflowId, outcome.error);
      return true;
    },
  };

  /**
   * A forward attempt's outcome, for its destination's breaker and alert rules. Never fails the
   * attempt: a delivery must not wait on, or fail with, the watching of it.
   */
  async function reportAttempt(destination: string, attempt: { ok: boolean; at: number; error?: string }): Promise<void> {
    if (!alertFeed) return;
    const ctx = Context.current();
    await alertFeed.forwardAttempt(ctx.client, destination, attempt).catch((error: unknown) => ctx.log.warn('could not report a forward attempt to its breaker and alerts', { destination, error: thrownMessage(error) }));
  }

  /** Throws `ActionPaused` (not retried, carrying the attempts so far) when the action's source or destination is paused. */
  async function refuseIfPaused(source: string, action: ActionPlan, attempt: number): Promise<void> {
    if (!controls) return;
    const paused = await pausedKeys(controls, controlKeysOf(source, [action]));
    if (paused.length === 0) return;
    throw ApplicationFailure.create({
      type: ACTION_PAUSED,
      message: `${paused.join(', ')} paused: attempt ${attempt} not made`,
      nonRetryable: true,
      details: [{ attempt: attempt - 1, paused } satisfies PausedDetails],
    });
  }

  /**
   * The succeeded outcome of an event whose only action this is, written by the attempt that
   * succeeded (issue #10), on the record as the receiver wrote it or as this run left it, and
   * only while it says `processing`: a straggling attempt Temporal had given up on that succeeds
   * late writes the same outcome or nothing, and never replaces a `failed` the workflow wrote.
   * Failed attempts never write here (issue #18). Bounded like recordAttempt: past the bound,
   * or on an error or no such record, false, and the workflow writes the outcome instead.
   */
  async function recordSuccess(workflowId: string, name: string, attempt: number, result: unknown): Promise<boolean> {
    const ctx = Context.current();
    const runId = currentRunId();
    const written = await settleWithin(
      events.updateOne(
        { ...ownRecord(workflowId, runId), status: 'processing' },
        progressUpdate({ actions: { [name]: { status: 'succeeded', attempts: attempt, result } }, outcome: { status: 'succeeded' } }, runId, new Date()),
      ),
      ATTEMPT_RECORD_MS,
    );
    if ('error' in written) ctx.log.warn('could not record the event outcome from its action; the workflow records it', { workflowId, error: thrownMessage(written.error) });
    if (!('value' in written) || written.value.matchedCount === 0) return false;
    metrics?.eventFinished('succeeded');
    return true;
  }

  /**
   * The attempt's own document in `attempts` (issue #14): insert-only, one writer, never the
   * event document. Never changes the action's outcome: a failed write is logged and forgotten.
   */
  async function recordAttempt(event: ActionEvent, action: string, attempt: number, status: AttemptStatus, message: string, startedAt: Date): Promise<void> {
    if (!attempts) return;
    const ctx = Context.current();
    const runId = currentRunId();
    const { workflowId } = event;
    // Bounded: with MongoDB down, the driver would hold the failure back for its server
    // selection timeout (30 s), delaying the retry Temporal is waiting to schedule.
    const insert = insertAttempt(attempts, {
      _id: attemptId(workflowId, runId, action, attempt),
      workflowId,
      runId,
      source: event.source,
      eventId: event.eventId,
      action,
      attempt,
      status,
      error: storableText(actionErrorText(action, message)),
      startedAt,
      finishedAt: new Date(),
    });
    const inserted = await settleWithin(insert, ATTEMPT_RECORD_MS);
    if (!('value' in inserted)) {
      const error = 'error' in inserted ? thrownMessage(inserted.error) : `no answer within ${ATTEMPT_RECORD_MS} ms`;
      ctx.log.warn('could not record a failed action attempt', { workflowId, action, attempt, error });
    }
  }

  async function keptRecords(workflowId: string, names: readonly string[]): Promise<Record<string, ActionRecord>> {
    const doc = await events.findOne({ _id: workflowId }, { projection: { actions: 1 } });
    return Object.fromEntries(names.flatMap((name) => (doc?.actions?.[name] ? [[name, doc.actions[name]]] : [])));
  }

  async function runHandler(name: string, event: HandlerEvent, context: HandlerContext): Promise<unknown> {
    const handler = handlers[name];
    // Retryable: during a rolling deploy another (newer) worker may have it.
    if (!handler) throw ApplicationFailure.retryable(`no handler named ${name} on this worker`, 'HandlerMissing');
    return handler(event, context);
  }

  async function runForward(
    action: Extract<ActionPlan, { kind: 'forward' }>,
    event: HandlerEvent,
    context: HandlerContext,
    transformed: TransformOutput | undefined,
  ): Promise<unknown> {
    const destination = destinations.get(action.destination);
    if (!destination) {
      throw ApplicationFailure.retryable(`no destination named ${action.destination} on this worker`, 'DestinationMissing');
    }
    // The URL and timeout come from the plan (fixed at ingress); the secrets from this worker.
    const response = await forwardEvent(
      {
        destination: action.destination,
        url: action.url,
        secrets: destination.secrets,
        // A transform's headers go with the destination's; neither can replace the signed ones.
        headers: { ...destination.headers, ...transformed?.headers },
        timeoutMs: action.timeoutMs,
        messageId: context.idempotencyKey,
        body: forwardBody(event),
        signal: context.signal,
      },
      fetchImpl ? { fetch: fetchImpl } : {},
    );
    return { status: response.status, body: response.body };
  }
}

export type Activities = ReturnType<typeof createActivities>;

/** The run an activity works for: every hookflow activity is started by a workflow. */
function currentRunId(): string {
  const runId = Context.current().info.workflowExecution?.runId;
  if (!runId) throw new Error('hookflow activities run only inside a workflow');
  return runId;
}

/**
 * What to throw to Temporal: always an ApplicationFailure carrying the attempt number.
 * PermanentError is matched by name, since a handlers module may bundle its own copy of the
 * class; anything else is retried.
 */
function toFailure(error: unknown, attempt: number): ApplicationFailure {
  const details: [FailureDetails] = [{ attempt }];
  if (error instanceof ApplicationFailure) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.type ?? undefined,
      nonRetryable: error.nonRetryable ?? false,
      nextRetryDelay: error.nextRetryDelay ?? undefined,
      details,
      cause: error.cause,
    });
  }
  if (error instanceof ForwardError) {
    return ApplicationFailure.create({
      message: error.detail,
      type: 'ForwardError',
      nonRetryable: !error.retryable,
      details,
      // A destination's Retry-After replaces the backoff for the next attempt.
      ...(error.retryable && error.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(1, error.retryAfterMs) } : {}),
    });
  }
  const cause = error instanceof Error ? error : new Error(String(error));
  const permanent = cause.name === 'PermanentError';
  return ApplicationFailure.create({ message: errorMessage(error), type: cause.name, nonRetryable: permanent, details, cause });
}

function isPermanent(failure: Error): boolean {
  return failure instanceof ApplicationFailure && failure.nonRetryable === true;
}

/** What went wrong, before the action's name is put in front (src/errors/action-error-text.ts). */
function errorMessage(error: unknown): string {
  if (error instanceof ForwardError) return error.detail;
  return thrownMessage(error);
}
