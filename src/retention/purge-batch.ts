import type { Collection } from 'mongodb';
import type { AttemptDocument } from '../store/attempt-records';
import type { BodyDocument, EventDocument } from '../store/documents';
import type { NonceDocument } from '../store/nonce-store';
import type { EventStatus } from '../types/webhook-event';

/**
 * Only closed events are touched. A running workflow writes its event's document, and FerretDB
 * v1 applies an update as read-modify-write, so a purge of an open event could undo the run's
 * write (or strip the body its action is about to read). An event reopened meanwhile (an
 * operator's retry) is excluded again by the write's own filter.
 */
export const CLOSED_STATUSES: readonly EventStatus[] = ['succeeded', 'failed', 'ignored', 'stale', 'cancelled', 'terminated'];

/** What the purge removes from an event's document; the small record stays. */
export const PURGED_FIELDS = ['payload', 'payloadJson', 'rawBody', 'bodyId', 'headers', 'actions'] as const;

export interface PurgeCollections {
  readonly events: Collection<EventDocument>;
  readonly bodies: Collection<BodyDocument>;
  readonly nonces: Collection<NonceDocument>;
  readonly attempts: Collection<AttemptDocument>;
}

export interface PurgeCutoffs {
  /** Events closed before this lose their payload, bodies and headers. */
  readonly payloadsBefore: Date;
  /** Events closed before this are deleted, record and all. */
  readonly recordsBefore: Date;
  readonly batchSize: number;
  readonly now: Date;
}

export interface PurgeCounts {
  readonly recordsDeleted: number;
  readonly payloadsPurged: number;
  readonly bodiesDeleted: number;
  readonly noncesDeleted: number;
  /** Failed action attempts' records, which go with their event's payload. */
  readonly attemptsDeleted: number;
  /** A batch was full: call again. */
  readonly more: boolean;
}

/**
 * One bounded batch of the retention policy: at most `batchSize` records deleted and
 * `batchSize` payloads purged, each with one find and one write. Only what FerretDB v1 has: no
 * TTL index, no transaction, plain filters (each of which FerretDB answers by a scan), and
 * writes by `_id: {$in}` re-checked against the status. Idempotent: a batch cut off half-way is
 * finished by the next one.
 */
export async function purgeBatch(store: PurgeCollections, cutoffs: PurgeCutoffs): Promise<PurgeCounts> {
  const { batchSize, now } = cutoffs;
  const closed = { $in: [...CLOSED_STATUSES] };

  const expired = await store.events
    .find({ status: closed, completedAt: { $lt: cutoffs.recordsBefore } }, { projection: { _id: 1, bodyId: 1 } })
    .limit(batchSize)
    .toArray();
  let attemptsDeleted = await deleteAttempts(store, expired);
  const { deletedCount: recordsDeleted } =
    expired.length === 0
      ? { deletedCount: 0 }
      : await store.events.deleteMany({ _id: { $in: expired.map((d) => d._id) }, status: closed });

  const aged = await store.events
    .find(
      { status: closed, completedAt: { $lt: cutoffs.payloadsBefore }, purgedAt: { $exists: false } },
      { projection: { _id: 1, bodyId: 1 } },
    )
    .limit(batchSize)
    .toArray();
  attemptsDeleted += await deleteAttempts(store, aged);
  const { modifiedCount: payloadsPurged } =
    aged.length === 0
      ? { modifiedCount: 0 }
      : await store.events.updateMany(
          { _id: { $in: aged.map((d) => d._id) }, status: closed },
          { $unset: Object.fromEntries(PURGED_FIELDS.map((field) => [field, ''])), $set: { purgedAt: now } },
        );

  const bodiesDeleted = await deleteUnreferencedBodies(store, [...expired, ...aged], cutoffs.payloadsBefore);
  const { deletedCount: noncesDeleted } = await store.nonces.deleteMany({ expiresAt: { $lt: now } });
  return {
    recordsDeleted,
    payloadsPurged,
    bodiesDeleted,
    noncesDeleted,
    attemptsDeleted,
    more: expired.length === batchSize || aged.length === batchSize,
  };
}

/**
 * An event's attempt records carry its errors, which may quote its payload: they go with it.
 * Deleted before the event's own write, so a batch cut off in between leaves the event to be
 * chosen again, not attempt records that nothing would choose any more.
 */
async function deleteAttempts(store: PurgeCollections, docs: readonly Pick<EventDocument, '_id'>[]): Promise<number> {
  if (docs.length === 0) return 0;
  const { deletedCount } = await store.attempts.deleteMany({ workflowId: { $in: docs.map((d) => d._id) } });
  return deletedCount;
}

/**
 * Claim-checked bodies are content-addressed, so one may be shared: by a redelivery, or by
 * another event with the same bytes. A body goes only when no event still names it and no
 * delivery stored it since the cutoff (one being received now has not recorded its event yet).
 */
async function deleteUnreferencedBodies(
  store: PurgeCollections,
  docs: readonly Pick<EventDocument, 'bodyId'>[],
  storedBefore: Date,
): Promise<number> {
  const ids = [...new Set(docs.flatMap((d) => (d.bodyId === undefined ? [] : [d.bodyId])))];
  if (ids.length === 0) return 0;
  const referenced = await store.events.find({ bodyId: { $in: ids } }, { projection: { _id: 0, bodyId: 1 } }).toArray();
  const inUse = new Set(referenced.map((d) => d.bodyId));
  const unreferenced = ids.filter((id) => !inUse.has(id));
  if (unreferenced.length === 0) return 0;
  const { deletedCount } = await store.bodies.deleteMany({
    _id: { $in: unreferenced },
    $or: [{ storedAt: { $lt: storedBefore } }, { storedAt: { $exists: false }, createdAt: { $lt: storedBefore } }],
  });
  return deletedCount;
}
