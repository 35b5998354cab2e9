import type { Collection } from 'mongodb';

/** How an attempt that did not succeed ended. */
export type AttemptStatus = 'failed' | 'timed out' | 'cancelled';

/**
 * `attempts`: one small document per action attempt that did not succeed, written by that attempt
 * alone (never by the workflow, never twice), so the event document keeps its single writer
 * (FerretDB v1 loses concurrent updates of one document). A successful attempt writes nothing
 * here: the event document's action record already has its count, result and finish time.
 */
export interface AttemptDocument {
  /** `<workflowId>/<runId>/<action>/<attempt>`: a re-insert of the same attempt collides. */
  _id: string;
  workflowId: string;
  runId: string;
  source: string;
  eventId: string;
  action: string;
  attempt: number;
  status: AttemptStatus;
  /** As the action's record reads it (`<action>: <message>`); never a secret. */
  error: string;
  startedAt: Date;
  finishedAt: Date;
}

export function attemptId(workflowId: string, runId: string, action: string, attempt: number): string {
  return `${workflowId}/${runId}/${action}/${attempt}`;
}

/**
 * Insert an attempt's record. The same attempt recorded again (an activity retried by a restarted
 * worker under the same number cannot happen, but a duplicate must not fail anything) is ignored.
 */
export async function insertAttempt(attempts: Collection<AttemptDocument>, doc: AttemptDocument): Promise<void> {
  try {
    await attempts.insertOne(doc);
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}

/** The attempt records of one run of an event, by action, in attempt order. */
export async function attemptsOfRun(attempts: Collection<AttemptDocument>, workflowId: string, runId: string): Promise<Record<string, AttemptDocument[]>> {
  const docs = await attempts.find({ workflowId, runId }).toArray();
  const byAction: Record<string, AttemptDocument[]> = {};
  for (const doc of docs.sort((a, b) => a.attempt - b.attempt)) (byAction[doc.action] ??= []).push(doc);
  return byAction;
}
