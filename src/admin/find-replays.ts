import type { Collection } from 'mongodb';
import type { EventDocument } from '../store/documents';
import { SUMMARY_PROJECTION } from './event-view';

/**
 * The replays of an event, `#replay-1` first: documents whose `replayOf` is its ID. Their IDs
 * all start with `<id>#replay-`, so an _id range (`.` follows `-` in ASCII) lets the _id index
 * find them without an index on replayOf; the replayOf condition keeps only true replays.
 */
export async function findReplays(events: Collection<EventDocument>, originalId: string, limit = 1_000) {
  const prefix = `${originalId}#replay-`;
  const docs = await events
    .find({ _id: { $gt: prefix, $lt: `${originalId}#replay.` }, replayOf: originalId }, { projection: SUMMARY_PROJECTION })
    .sort({ _id: 1 })
    .limit(limit)
    .toArray();
  const n = (id: string) => Number(id.slice(prefix.length)) || Number.MAX_SAFE_INTEGER;
  return docs.sort((a, b) => n(a._id) - n(b._id));
}
