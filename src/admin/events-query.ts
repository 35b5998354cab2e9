import type { Filter } from 'mongodb';
import type { EventDocument } from '../store/documents';
import type { EventCursor } from './event-cursor';
import type { EventFilter } from './event-filter';

/**
 * The list order: newest first by listedAt (when it was received, or a replay made), ties
 * broken by ID, so every page boundary is exact.
 */
export const EVENTS_ORDER = { listedAt: -1, _id: -1 } as const;

/**
 * The MongoDB filter for an EventFilter, after `cursor` when given. Only operators FerretDB v1
 * supports ($and, $or, $in, $gte, $lt, $exists and equality), so it runs on either server.
 */
export function eventsQuery(filter: EventFilter, cursor?: EventCursor): Filter<EventDocument> {
  const and: Filter<EventDocument>[] = [];
  if (filter.source !== undefined) and.push({ source: filter.source });
  if (filter.type !== undefined) and.push({ type: filter.type });
  if (filter.statuses !== undefined) and.push({ status: { $in: [...filter.statuses] } });
  if (filter.from !== undefined) and.push({ listedAt: { $gte: filter.from } });
  if (filter.to !== undefined) and.push({ listedAt: { $lt: filter.to } });
  if (filter.excludeReplays) and.push({ replayOf: { $exists: false } });
  if (cursor !== undefined) {
    and.push({
      $or: [{ listedAt: { $lt: cursor.listedAt } }, { listedAt: cursor.listedAt, _id: { $lt: cursor.id } }],
    });
  }
  return and.length === 0 ? {} : { $and: and };
}
