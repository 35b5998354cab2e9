import type { Collection } from 'mongodb';
import { eventSummary, SUMMARY_PROJECTION, type EventSummary } from '../admin/event-view';
import { EVENTS_ORDER } from '../admin/events-query';
import type { EventDocument } from '../store/documents';

/**
 * The console's event-ID search: the provider's event ID (`evt_1Nx...`, in any source) or a
 * workflow ID (`stripe:evt_1Nx...`), exactly; its replays come along under their own IDs.
 */
export async function findEvents(events: Collection<EventDocument>, query: string, limit = 50): Promise<EventSummary[]> {
  const docs = await events
    .find({ $or: [{ _id: query }, { eventId: query }, { replayOf: query }] }, { projection: SUMMARY_PROJECTION })
    .sort(EVENTS_ORDER)
    .limit(limit)
    .toArray();
  return docs.map((doc) => eventSummary(doc));
}
