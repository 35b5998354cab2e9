import type { HandlerEvent } from '../src/handlers/types';
import { parseBody } from '../src/providers/payload';
import type { BodyStore } from '../src/store/body-store';
import type { EventDocument } from '../src/store/documents';

/** The event as handlers and forwards see it, re-read from a claim-checked body where needed. */
export async function toHandlerEvent(doc: EventDocument, bodies: BodyStore): Promise<HandlerEvent> {
  let payload: unknown;
  if (doc.bodyId !== undefined) payload = parseBody(doc.contentType, await bodies.get(doc.bodyId));
  else payload = doc.payloadJson === undefined ? doc.payload : JSON.parse(doc.payloadJson);
  return {
    workflowId: doc._id,
    source: doc.source,
    provider: doc.provider,
    id: doc.eventId,
    type: doc.type,
    occurredAt: doc.occurredAt,
    receivedAt: doc.receivedAt,
    headers: doc.headers,
    payload,
  };
}

/**
 * What a forward POSTs: the shape Standard Webhooks recommends (`type`, `timestamp`, `data`),
 * plus where the event came from, so one internal endpoint can serve several sources.
 */
export function forwardBody(event: HandlerEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: (event.occurredAt ?? event.receivedAt).toISOString(),
    source: event.source,
    provider: event.provider,
    data: event.payload,
  });
}
