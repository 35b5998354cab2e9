import { ApplicationFailure, Context } from '@temporalio/activity';
import { Binary, type Collection } from 'mongodb';
import { PermanentError } from '../src/handlers/permanent-error';
import type { HandlerEvent, Handlers } from '../src/handlers/types';
import type { EventDocument, ResultDocument } from '../src/store/documents';
import { hasUnstorableKeys, storableHeaders } from '../src/store/storable';
import type { ActionPlan, WebhookEvent } from '../src/types/webhook-event';

export interface ActivityDeps {
  readonly events: Collection<EventDocument>;
  readonly results: Collection<ResultDocument>;
  readonly handlers: Handlers;
}

export interface OutcomeInput {
  readonly workflowId: string;
  readonly status: 'succeeded' | 'failed' | 'ignored';
  readonly error?: string;
  readonly failedAction?: string;
}

/**
 * Activities over injected collections and handlers. Every write is an upsert keyed by the
 * workflow ID (and action), so an activity retried after a crash writes the same document again
 * instead of a second one.
 */
export function createActivities({ events, results, handlers }: ActivityDeps) {
  return {
    /** First step of every run: the event as received, status `received`. */
    async recordEvent(event: WebhookEvent, actions: string[]): Promise<void> {
      const now = new Date();
      const { workflowId } = event;
      const unstorable = hasUnstorableKeys(event.payload);
      await events.updateOne(
        { _id: workflowId },
        {
          $setOnInsert: { createdAt: now },
          $set: {
            source: event.source,
            provider: event.provider,
            eventId: event.eventId,
            type: event.type,
            ...(event.occurredAt ? { occurredAt: new Date(event.occurredAt) } : {}),
            receivedAt: new Date(event.receivedAt),
            contentType: event.contentType,
            headers: storableHeaders(event.headers),
            ...(unstorable ? { payloadJson: JSON.stringify(event.payload) } : { payload: event.payload }),
            rawBody: new Binary(Buffer.from(event.rawBodyBase64, 'base64')),
            secretIndex: event.secretIndex,
            actions,
            // A re-run after a failure starts its bookkeeping afresh.
            status: 'received',
            attempts: 0,
            runId: Context.current().info.workflowExecution?.runId,
            updatedAt: now,
          },
          $unset: { lastError: '', failedAction: '', completedAt: '', ...(unstorable ? { payload: '' } : { payloadJson: '' }) },
        },
        { upsert: true },
      );
    },

    /** Run one action. Throws to let Temporal retry; PermanentError fails it for good. */
    async runAction(workflowId: string, action: ActionPlan): Promise<unknown> {
      const ctx = Context.current();
      const attempt = ctx.info.attempt;
      const resultId = `${workflowId}/${action.name}`;
      const startedAt = new Date();
      await events.updateOne(
        { _id: workflowId },
        { $set: { status: 'processing', updatedAt: startedAt }, $max: { attempts: attempt } },
      );
      const doc = await events.findOne({ _id: workflowId }, { projection: { rawBody: 0 } });
      if (!doc) throw ApplicationFailure.nonRetryable(`event ${workflowId} is not recorded`, 'EventMissing');

      const handler = handlers[action.handler];
      if (!handler) {
        throw ApplicationFailure.nonRetryable(`no handler named ${action.handler} on this worker`, 'HandlerMissing');
      }
      try {
        const result = await handler(toHandlerEvent(doc), {
          attempt,
          idempotencyKey: resultId,
          signal: ctx.cancellationSignal,
        });
        await results.updateOne(
          { _id: resultId },
          {
            $set: {
              workflowId,
              action: action.name,
              status: 'succeeded',
              attempts: attempt,
              ...(hasUnstorableKeys(result) ? { resultJson: JSON.stringify(result) } : { result: result ?? null }),
              finishedAt: new Date(),
            },
            $setOnInsert: { startedAt },
            $unset: { error: '' },
          },
          { upsert: true },
        );
        return result ?? null;
      } catch (error) {
        const message = errorMessage(error);
        await results.updateOne(
          { _id: resultId },
          {
            $set: { workflowId, action: action.name, status: 'failed', attempts: attempt, error: message, finishedAt: new Date() },
            $setOnInsert: { startedAt },
          },
          { upsert: true },
        );
        await events.updateOne({ _id: workflowId }, { $set: { lastError: message, updatedAt: new Date() } });
        if (error instanceof PermanentError) throw ApplicationFailure.nonRetryable(message, 'PermanentError');
        throw error;
      }
    },

    /** Last step: the final status. */
    async recordOutcome({ workflowId, status, error, failedAction }: OutcomeInput): Promise<void> {
      const now = new Date();
      await events.updateOne(
        { _id: workflowId },
        {
          $set: {
            status,
            completedAt: now,
            updatedAt: now,
            ...(error ? { lastError: error } : {}),
            ...(failedAction ? { failedAction } : {}),
          },
        },
      );
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

function toHandlerEvent(doc: EventDocument): HandlerEvent {
  return {
    workflowId: doc._id,
    source: doc.source,
    provider: doc.provider,
    id: doc.eventId,
    type: doc.type,
    occurredAt: doc.occurredAt,
    receivedAt: doc.receivedAt,
    headers: doc.headers,
    payload: doc.payloadJson === undefined ? doc.payload : JSON.parse(doc.payloadJson),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
