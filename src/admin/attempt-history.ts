import type { AttemptDocument, AttemptStatus } from '../store/attempt-records';
import type { ActionRecord } from '../store/documents';

/**
 * One attempt of an action as the timeline shows it. `unrecorded`: Temporal retried the action
 * after this attempt, but the attempt never recorded its end: its worker died, or it was timed
 * out while it could not notice. Temporal's history holds only its timeout, as the next
 * attempt's last failure.
 */
export interface AttemptView {
  readonly attempt: number;
  readonly status: AttemptStatus | 'succeeded' | 'unrecorded';
  readonly error?: string;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
}

/**
 * An action's attempts in order, from its failed attempts' own records and its record in the event
 * document (the count, and the last attempt's end, which a successful attempt writes nowhere
 * else). Pure.
 */
export function attemptHistory(record: Pick<ActionRecord, 'status' | 'attempts' | 'error' | 'finishedAt'>, failed: readonly AttemptDocument[] = []): AttemptView[] {
  const byNumber = new Map<number, AttemptView>(
    failed.map(({ attempt, status, error, startedAt, finishedAt }) => [attempt, { attempt, status, error, startedAt, finishedAt }]),
  );
  const last = Math.max(record.attempts ?? 0, ...byNumber.keys());
  // The action's last attempt, when it ended without a record of its own: success, or a failure
  // written only by the workflow (a timeout the attempt never saw).
  if (record.attempts > 0 && !byNumber.has(record.attempts) && (record.status === 'succeeded' || record.status === 'failed')) {
    byNumber.set(record.attempts, {
      attempt: record.attempts,
      status: record.status === 'succeeded' ? 'succeeded' : 'unrecorded',
      ...(record.error !== undefined && record.status === 'failed' ? { error: record.error } : {}),
      ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    });
  }
  const history: AttemptView[] = [];
  for (let attempt = 1; attempt <= last; attempt++) history.push(byNumber.get(attempt) ?? { attempt, status: 'unrecorded' });
  return history;
}
