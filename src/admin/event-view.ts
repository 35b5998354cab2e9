import type { AttemptDocument } from '../store/attempt-records';
import type { ActionRecord, EventDocument } from '../store/documents';
import { attemptHistory, type AttemptView } from './attempt-history';
import { decodeStoredHeaders } from './to-webhook-event';

/** The fields a list shows: enough to pick an event, none of its body. */
export const SUMMARY_PROJECTION = {
  _id: 1,
  source: 1,
  eventId: 1,
  type: 1,
  status: 1,
  receivedAt: 1,
  replayedAt: 1,
  listedAt: 1,
  completedAt: 1,
  attempts: 1,
  lastError: 1,
  failedAction: 1,
  replayOf: 1,
  intervention: 1,
} as const;

export type EventSummary = Pick<
  EventDocument,
  | 'source'
  | 'eventId'
  | 'type'
  | 'status'
  | 'receivedAt'
  | 'replayedAt'
  | 'listedAt'
  | 'completedAt'
  | 'attempts'
  | 'lastError'
  | 'failedAction'
  | 'replayOf'
  | 'intervention'
> & { readonly id: string };

export function eventSummary(doc: Partial<EventDocument> & { _id: string }): EventSummary {
  const { _id, ...rest } = doc;
  return { id: _id, ...pick(rest, Object.keys(SUMMARY_PROJECTION)) } as EventSummary;
}

/** Where the body is: `inline` in the event document, or claim-checked in `bodies`. */
export type BodyView = { readonly storage: 'inline'; readonly bytes: number } | { readonly storage: 'claim-check'; readonly bodyId: string; readonly bytes: number };

/** `attempts` stays the count; `attemptHistory` lists each attempt (issue #14). */
export type ActionView = Omit<ActionRecord, 'resultJson'> & { readonly attemptHistory: AttemptView[] };

/**
 * One event document for people: no raw bytes, the payload parsed (JSON text stored for keys
 * MongoDB refuses is parsed back), header names decoded. A claim-checked body is only described:
 * it can be megabytes, and the operator asked about the event, not for its body. `attempts`: the
 * run's failed attempts' records by action (attempt-records.ts).
 */
export function eventDetail(doc: EventDocument, attempts: Readonly<Record<string, readonly AttemptDocument[]>> = {}) {
  const { _id, rawBody, payload, payloadJson, bodyId, bodyBytes, headers, actions, ...rest } = doc;
  const body: BodyView = bodyId === undefined ? { storage: 'inline', bytes: bodyBytes } : { storage: 'claim-check', bodyId, bytes: bodyBytes };
  return {
    id: _id,
    ...rest,
    headers: decodeStoredHeaders(headers ?? {}),
    body,
    ...(bodyId === undefined ? { payload: payloadJson === undefined ? payload : JSON.parse(payloadJson) } : {}),
    actions: Object.fromEntries(Object.entries(actions ?? {}).map(([name, record]) => [name, actionView(record, attempts[name])])),
  };
}

export type EventDetail = ReturnType<typeof eventDetail>;

function actionView({ resultJson, ...record }: ActionRecord, failed: readonly AttemptDocument[] = []): ActionView {
  const view = { ...record, attemptHistory: attemptHistory(record, failed) };
  return resultJson === undefined ? view : { ...view, result: JSON.parse(resultJson) };
}

function pick(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]]));
}
