import { controlKeysOf } from '../controls/event-holds';
import type { Logger } from '../logging/logger';
import type { EventDocument } from '../store/documents';
import { receivedRecord, recordableAtIngress } from '../store/event-record';
import { settleWithin } from '../store/settle-within';
import type { ProcessWebhookInput } from '../types/webhook-event';
import { checkRecorded, RECORDED_READ_TIMEOUT_MS } from './check-recorded';
import type { IngressRecords } from './ingress-records';

/** What to start, and how to take the receiver's record back if the start fails. */
export interface ToStart {
  readonly input: ProcessWebhookInput;
  /** Removes the record this delivery inserted (none: a no-op), so a failed start leaves no trace. */
  readonly undo: () => Promise<void>;
}

/**
 * Step 6: record the event, or find that it already ran. Where the whole record is known at
 * ingress (src/store/event-record.ts), the receiver inserts it itself, `processing` with every
 * action pending: the insert is also the dedup beyond Temporal's retention (issue #11), since a
 * record by that `_id` collides, and the workflow then skips its own recordEvent, one local
 * activity and one workflow activation fewer per event (issue #10). Whether the source or a
 * destination is paused is read just before, so the record says `held` where it must, and the
 * workflow learns it from its input. Both operations are shared with the requests arriving at
 * the same time (src/receiver/ingress-records.ts).
 *
 * Never throws, like checkRecorded: an insert or read that fails or is slow is logged and the
 * event is started unrecorded, for the workflow to record; Temporal still deduplicates within
 * its retention. A collision reads the record's status: the event already ran (a duplicate), or
 * it is running or failed and the start decides.
 */
export async function recordReceived(records: IngressRecords, input: ProcessWebhookInput, now: Date, logger: Logger, timeoutMs = RECORDED_READ_TIMEOUT_MS): Promise<ToStart | 'duplicate'> {
  const { workflowId, source } = input.event;
  const unrecorded: ToStart = { input, undo: async () => {} };
  const { db } = records;
  const checked = async () => (await checkRecorded(db, workflowId, logger, timeoutMs)) ?? unrecorded;
  if (!recordableAtIngress(input)) return checked();

  // Read first, so that the record says `held` from the start where the source or a destination is.
  const keys = controlKeysOf(source, input.plan.actions);
  // Inside async functions, so that even a synchronous throw becomes a settled error.
  const read = await settleWithin((async () => records.pausedKeys(keys))(), timeoutMs);
  if (!('value' in read)) {
    logger.warn({ ...('error' in read ? { err: read.error } : {}), workflowId, timeoutMs }, 'cannot read the pauses; the workflow records the event');
    return checked();
  }
  const paused = read.value;
  const events = db.collection<EventDocument>('events');
  const insert = (async () => records.insert(receivedRecord(input, now, paused)))();
  // A failed start takes the record back, unless a run has written it since (it has a run ID).
  const remove = () =>
    events.deleteOne({ _id: workflowId, runId: { $exists: false } }).then(
      () => undefined,
      (error: unknown) => logger.warn({ err: error, workflowId }, 'cannot remove the record of an event whose start failed'),
    );
  const inserted = await settleWithin(insert, timeoutMs);
  if (!('value' in inserted)) {
    logger.warn({ ...('error' in inserted ? { err: inserted.error } : {}), workflowId, timeoutMs }, 'cannot write the event record; starting it for the workflow to record');
    // Should the insert land after all and the start fail, it goes too, without holding the answer.
    return { input, undo: async () => void insert.then((landed) => (landed === 'inserted' ? remove() : undefined), () => undefined) };
  }
  if (inserted.value === 'exists') return checked();
  return { input: { ...input, recorded: { paused } }, undo: remove };
}
