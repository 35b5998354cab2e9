import { Binary } from 'mongodb';
import { eventHolds } from '../controls/event-holds';
import type { ActionPlan, ActionStatus, ProcessWebhookInput } from '../types/webhook-event';
import type { ActionRecord, EventDocument } from './documents';
import { needsJsonText, storableHeaders, storableText } from './storable';

/** The body's fields in the record: the one form written, and the others to unset. */
const BODY_FIELDS = ['payload', 'payloadJson', 'rawBody', 'bodyId'] as const;

/** What an event's record says of the event as received; the same from every writer of it. */
export type ReceivedFields = Omit<
  EventDocument,
  '_id' | 'status' | 'attempts' | 'actions' | 'runId' | 'runStartedAt' | 'createdAt' | 'updatedAt' | 'completedAt' | 'heldOn' | 'scheduledFor'
>;

/**
 * The record's fields that come from the delivery and its plan, written by whichever writes the
 * record first: the receiver's insert (src/receiver/record-received.ts) or the workflow's
 * recordEvent. `unset`: the body forms this one does not use, for a rewrite of an older record.
 */
export function receivedFields({ event, plan }: ProcessWebhookInput): { fields: ReceivedFields; unset: string[] } {
  const body =
    event.body.kind === 'inline'
      ? {
          ...(needsJsonText(event.body.payload) ? { payloadJson: JSON.stringify(event.body.payload) } : { payload: event.body.payload }),
          rawBody: new Binary(Buffer.from(event.body.rawBase64, 'base64')),
        }
      : { bodyId: event.body.id };
  const fields: ReceivedFields = {
    source: event.source,
    provider: event.provider,
    eventId: event.eventId,
    type: event.type,
    ...(event.occurredAt ? { occurredAt: new Date(event.occurredAt) } : {}),
    receivedAt: new Date(event.receivedAt),
    contentType: event.contentType,
    headers: storableHeaders(event.headers),
    ...body,
    bodyBytes: event.body.kind === 'inline' ? Buffer.byteLength(event.body.rawBase64, 'base64') : event.body.bytes,
    secretIndex: event.secretIndex,
    ...(plan.ordering ? { orderingKey: storableText(plan.ordering.key) } : {}),
    // Why an `ignored` event was ignored (or which routes a taken one missed): issue #13.
    ...(plan.refused ? { refusedBy: plan.refused.map((r) => ({ ...r, reason: storableText(r.reason) })) } : {}),
    ...(event.replayOf ? { replayOf: event.replayOf } : {}),
    ...(event.recoveredBy ? { recoveredBy: event.recoveredBy } : {}),
    // A replay is listed when it was made; its receivedAt stays the original's.
    ...(event.replayedAt ? { replayedAt: new Date(event.replayedAt) } : {}),
    listedAt: new Date(event.replayedAt ?? event.receivedAt),
  };
  return { fields, unset: BODY_FIELDS.filter((field) => !(field in body)) };
}

/** An action's record before its first attempt. */
export function actionRecord(action: ActionPlan, status: ActionStatus): ActionRecord {
  return { kind: action.kind, target: action.kind === 'handler' ? action.handler : action.destination, status, attempts: 0 };
}

/**
 * Whether the receiver may write this event's whole record itself, so the workflow need not
 * (issue #10: one local activity and one workflow activation fewer per event). Only when the
 * record is fully known at ingress: every action starts now (no delay), no ordering (whose
 * `stale` needs a read of the key's newer events), and no retry's kept actions. Pauses are read
 * by the receiver just before its insert. Anything else is recorded by the workflow, as before.
 */
export function recordableAtIngress({ plan }: ProcessWebhookInput): boolean {
  return plan.actions.length > 0 && !plan.ordering && !plan.kept?.length && plan.actions.every((action) => !action.delayMs);
}

/**
 * The receiver's record of an event it is about to start, as recordEvent would write it:
 * `processing` with every action pending, or held where its source or destination is paused.
 */
export function receivedRecord(input: ProcessWebhookInput, now: Date, paused: readonly string[]): EventDocument {
  const { sourceHeld, heldAction, heldOn } = eventHolds(input.event.source, input.plan.actions, paused);
  return {
    _id: input.event.workflowId,
    ...receivedFields(input).fields,
    status: sourceHeld ? 'held' : 'processing',
    attempts: 0,
    actions: Object.fromEntries(input.plan.actions.map((action) => [action.name, actionRecord(action, heldAction(action) ? 'held' : 'pending')])),
    ...(heldOn.length > 0 ? { heldOn: Object.fromEntries(heldOn.map((key) => [key, true as const])) } : {}),
    createdAt: now,
    updatedAt: now,
  };
}
