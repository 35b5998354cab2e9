import type { Collection } from 'mongodb';
import type { EventDocument } from '../store/documents';
import { encodeCursor, type EventCursor } from './event-cursor';
import type { EventFilter } from './event-filter';
import { eventSummary, SUMMARY_PROJECTION, type EventSummary } from './event-view';
import { EVENTS_ORDER, eventsQuery } from './events-query';

export interface EventPage {
  readonly events: EventSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** One page, newest first. One more than the page is read to know whether another follows. */
export async function listEvents(
  events: Collection<EventDocument>,
  filter: EventFilter,
  { limit, cursor }: { limit: number; cursor?: EventCursor },
): Promise<EventPage> {
  const docs = await events
    .find(eventsQuery(filter, cursor), { projection: SUMMARY_PROJECTION })
    .sort(EVENTS_ORDER)
    .limit(limit + 1)
    .toArray();
  const page = docs.slice(0, limit);
  const last = page.at(-1);
  return {
    events: page.map((doc) => eventSummary(doc)),
    nextCursor: docs.length > limit && last ? encodeCursor({ listedAt: last.listedAt ?? last.receivedAt, id: last._id }) : null,
  };
}
