import type { Collection } from 'mongodb';
import type { EventDocument } from './documents';

/**
 * Give `listedAt` (the list order's key) to documents recorded before it existed, so they stay
 * in the admin API's lists: receivedAt, or for a replay the time its document was created, which
 * is when the replay first ran. FerretDB v1 has no update pipelines, so each is its own write.
 *
 * Documents still `processing` are left for a later start: their workflow is writing them, and
 * FerretDB applies an update as read-modify-write, so a write from here could undo one of its.
 * Once done this finds nothing, and costs one query per worker start.
 */
export async function backfillListedAt(events: Collection<EventDocument>): Promise<number> {
  const missing = await events
    .find({ listedAt: { $exists: false }, status: { $ne: 'processing' } }, { projection: { receivedAt: 1, replayOf: 1, createdAt: 1 } })
    .toArray();
  for (const doc of missing) {
    const listedAt = doc.replayOf !== undefined ? doc.createdAt : doc.receivedAt;
    await events.updateOne({ _id: doc._id, listedAt: { $exists: false } }, { $set: { listedAt } });
  }
  return missing.length;
}
