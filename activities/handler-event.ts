import type { HandlerEvent } from '../src/handlers/types';
import { parseBody } from '../src/providers/payload';
import type { BodyStore } from '../src/store/body-store';
import type { ActionEvent } from '../src/types/action-event';

/** The event as handlers and forwards see it, with a claim-checked body read back where needed. */
export async function toHandlerEvent(event: ActionEvent, bodies: BodyStore): Promise<HandlerEvent> {
  const payload = event.body.kind === 'inline' ? event.body.payload : parseBody(event.contentType, await bodies.get(event.body.id));
  return {
    workflowId: event.workflowId,
    source: event.source,
    provider: event.provider,
    id: event.eventId,
    type: event.type,
    ...(event.occurredAt ? { occurredAt: new Date(event.occurredAt) } : {}),
    receivedAt: new Date(event.receivedAt),
    headers: event.headers,
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
