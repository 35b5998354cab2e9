import type { EventDocument } from '../store/documents';
import type { EventBody, WebhookEvent } from '../types/webhook-event';
import { ConflictError } from './admin-errors';

/**
 * The event as the receiver handed it to Temporal, rebuilt from its document: the stored body
 * (inline bytes and payload, or the claim-check reference), never a fresh delivery. Retries keep
 * the workflow ID; replays pass their own and `replayOf`.
 */
export function toWebhookEvent(
  doc: EventDocument,
  overrides: { workflowId?: string; replayOf?: string; replayedAt?: Date } = {},
): WebhookEvent {
  const replayOf = overrides.replayOf ?? doc.replayOf;
  // A retried replay keeps the time it was made.
  const replayedAt = overrides.replayedAt ?? doc.replayedAt;
  return {
    workflowId: overrides.workflowId ?? doc._id,
    source: doc.source,
    provider: doc.provider,
    eventId: doc.eventId,
    type: doc.type,
    ...(doc.occurredAt ? { occurredAt: doc.occurredAt.toISOString() } : {}),
    receivedAt: doc.receivedAt.toISOString(),
    contentType: doc.contentType,
    headers: decodeStoredHeaders(doc.headers ?? {}),
    body: storedBody(doc),
    secretIndex: doc.secretIndex,
    ...(replayOf === undefined ? {} : { replayOf }),
    ...(replayedAt === undefined ? {} : { replayedAt: replayedAt.toISOString() }),
  };
}

function storedBody(doc: EventDocument): EventBody {
  if (doc.purgedAt !== undefined) {
    throw new ConflictError(
      `event ${doc._id} cannot run again: the retention policy purged its payload on ${doc.purgedAt.toISOString()} (retention.days); only its record is kept`,
    );
  }
  if (doc.bodyId !== undefined) return { kind: 'claim', id: doc.bodyId, bytes: doc.bodyBytes };
  if (doc.rawBody === undefined) throw new ConflictError(`event ${doc._id} has no stored body to run again`);
  const payload = doc.payloadJson === undefined ? (doc.payload ?? null) : JSON.parse(doc.payloadJson);
  return { kind: 'inline', payload, rawBase64: doc.rawBody.toString('base64') };
}

/** Undo storableHeaders (src/store/storable.ts): `%25`, `%2E` and `%24` back to `%`, `.`, `$`. */
export function decodeStoredHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name.replace(/%(25|2E|24)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      value,
    ]),
  );
}
