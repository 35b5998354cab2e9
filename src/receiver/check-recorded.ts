import type { Db } from 'mongodb';
import type { Logger } from '../logging/logger';
import type { EventDocument } from '../store/documents';
import { settleWithin } from '../store/settle-within';
import type { EventStatus } from '../types/webhook-event';

/**
 * Statuses whose record proves the event already ran to an outcome that must not be repeated.
 * `processing` is left to Temporal, which keeps every running workflow: a running one is a
 * duplicate there too, and one terminated outside hookflow (its record never left `processing`)
 * runs again on redelivery like any terminated event. Failed, cancelled and terminated events
 * run again (reuse policy ALLOW_DUPLICATE_FAILED_ONLY).
 */
export const ALREADY_RAN: ReadonlySet<EventStatus> = new Set(['succeeded', 'ignored', 'stale']);

/**
 * Longest wait for the read. While MongoDB is unreachable the driver would wait for its server
 * selection timeout (5 s) on every delivery; past this the receiver goes on to the start, where
 * Temporal still deduplicates within its retention.
 */
export const RECORDED_READ_TIMEOUT_MS = 1_000;

/**
 * Dedup beyond Temporal's retention (issue #11): Temporal forgets a closed workflow after the
 * namespace's retention, but the event's record lives for `retention.keepRecordDays`. One
 * `findOne` by `_id` with a projection per delivery, the lookup FerretDB v1 serves by its index.
 * Returns `duplicate` when the record says the event already ran, otherwise undefined (start it).
 * Never throws: when the read fails or is slow, it logs and leaves the decision to Temporal, so
 * a MongoDB outage costs no acknowledgements (a redelivery older than Temporal's retention that
 * arrives during the outage is the one case that can run twice).
 */
export async function checkRecorded(
  db: Db,
  workflowId: string,
  logger: Logger,
  timeoutMs = RECORDED_READ_TIMEOUT_MS,
): Promise<'duplicate' | undefined> {
  // Inside an async function, so that even a synchronous throw becomes a settled error.
  const read = (async () => db.collection<EventDocument>('events').findOne({ _id: workflowId }, { projection: { _id: 0, status: 1 } }))();
  const result = await settleWithin(read, timeoutMs);
  if ('timedOut' in result) {
    logger.warn({ workflowId, timeoutMs }, 'the event record did not answer in time; leaving deduplication to Temporal');
    return undefined;
  }
  if ('error' in result) {
    logger.warn({ err: result.error, workflowId }, 'cannot read the event record; leaving deduplication to Temporal');
    return undefined;
  }
  return result.value && ALREADY_RAN.has(result.value.status) ? 'duplicate' : undefined;
}
