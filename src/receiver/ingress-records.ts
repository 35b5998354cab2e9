import type { Db, MongoBulkWriteError } from 'mongodb';
import type { ControlDocument } from '../controls/control-document';
import { pausedKeys } from '../controls/paused-keys';
import { batchedCalls, type ItemResult } from '../store/batched-calls';
import type { EventDocument } from '../store/documents';

/** How the receiver's insert of an event record ended: written, or a record by that `_id` exists. */
export type InsertOutcome = 'inserted' | 'exists';

/** The receiver's two store operations per event, each batched across concurrent requests. */
export interface IngressRecords {
  readonly db: Db;
  /** Which of these control keys are paused now. */
  readonly pausedKeys: (keys: readonly string[]) => Promise<string[]>;
  /** Insert the event's record; a duplicate `_id` is `exists`, not an error. */
  readonly insert: (record: EventDocument) => Promise<InsertOutcome>;
}

const DUPLICATE_KEY = 11000;

/**
 * One receiver's record operations (src/receiver/record-received.ts), made once per receiver so
 * that concurrent requests share them: the pause reads of requests that arrive during one read
 * go as the next single read of every key they ask about, and their inserts as one unordered
 * `insertMany` (src/store/batched-calls.ts). Each request still learns only its own answer.
 */
export function ingressRecords(db: Db): IngressRecords {
  // Asked of `db` at each batch, not once: the store's `db` follows its current client, which a
  // stuck client's replacement changes (src/store/open-store.ts).
  const controls = () => db.collection<ControlDocument>('controls');
  const events = () => db.collection<EventDocument>('events');

  const readPauses = batchedCalls<readonly string[], string[]>(async (asks) => {
    const paused = new Set(await pausedKeys(controls(), asks.flat()));
    return asks.map((keys) => ({ value: keys.filter((key) => paused.has(key)) }));
  });

  const insertRecords = batchedCalls<EventDocument, InsertOutcome>(async (records) => {
    try {
      // Unordered: one record's collision (a redelivery) does not stop the others' inserts.
      await events().insertMany(records, { ordered: false });
      return records.map(() => ({ value: 'inserted' as const }));
    } catch (error) {
      const failed = writeErrorsOf(error);
      // Not a per-document failure (the connection, the server): every insert of the batch failed.
      if (!failed) throw error;
      return records.map((_record, index): ItemResult<InsertOutcome> => {
        const code = failed.get(index);
        if (code === undefined) return { value: 'inserted' };
        if (code === DUPLICATE_KEY) return { value: 'exists' };
        return { error: Object.assign(new Error(`the event record's insert failed (code ${code})`), { code }) };
      });
    }
  });

  return {
    db,
    pausedKeys: (keys) => (keys.length === 0 ? Promise.resolve([]) : readPauses(keys)),
    insert: insertRecords,
  };
}

/** The code of each document's failed insert, by its index in the batch; undefined when the error is not per document. */
function writeErrorsOf(error: unknown): Map<number, number> | undefined {
  const bulk = error as Partial<MongoBulkWriteError> | undefined;
  if (!bulk || typeof bulk !== 'object' || bulk.writeErrors === undefined || bulk.writeConcernError) return undefined;
  const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
  return new Map(writeErrors.map((writeError) => [writeError.index, writeError.code]));
}
