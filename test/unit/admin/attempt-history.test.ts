import { attemptHistory } from '../../../src/admin/attempt-history';
import type { AttemptDocument } from '../../../src/store/attempt-records';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const failedAttempt = (attempt: number, fields: Partial<AttemptDocument> = {}): AttemptDocument => ({
  _id: `demo:e1/run-1/handler:h/${attempt}`,
  workflowId: 'demo:e1',
  runId: 'run-1',
  source: 'demo',
  eventId: 'e1',
  action: 'handler:h',
  attempt,
  status: 'failed',
  error: `handler:h: boom ${attempt}`,
  startedAt: at(attempt * 10),
  finishedAt: at(attempt * 10 + 1),
  ...fields,
});

describe('attemptHistory(record, failed)', () => {
  test('failed attempts from their records, in order, then the success from the action record', () => {
    const history = attemptHistory({ status: 'succeeded', attempts: 3, finishedAt: at(40) }, [failedAttempt(2), failedAttempt(1)]);
    expect(history).toEqual([
      { attempt: 1, status: 'failed', error: 'handler:h: boom 1', startedAt: at(10), finishedAt: at(11) },
      { attempt: 2, status: 'failed', error: 'handler:h: boom 2', startedAt: at(20), finishedAt: at(21) },
      { attempt: 3, status: 'succeeded', finishedAt: at(40) },
    ]);
  });

  test('an attempt with no record below the last is unrecorded (a dead worker); a final failure keeps its own record', () => {
    const history = attemptHistory({ status: 'failed', attempts: 3, error: 'handler:h: boom 3', finishedAt: at(40) }, [failedAttempt(1), failedAttempt(3, { status: 'timed out', error: 'handler:h: TIMED_OUT' })]);
    expect(history.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, 'failed', 'handler:h: boom 1'],
      [2, 'unrecorded', undefined],
      [3, 'timed out', 'handler:h: TIMED_OUT'],
    ]);
  });

  test('a final failure only the workflow saw (a timeout) is unrecorded with the error the workflow wrote', () => {
    expect(attemptHistory({ status: 'failed', attempts: 1, error: 'forward:crm: activity StartToClose timeout', finishedAt: at(5) })).toEqual([
      { attempt: 1, status: 'unrecorded', error: 'forward:crm: activity StartToClose timeout', finishedAt: at(5) },
    ]);
  });

  test('while the action runs (count 0 in the event document) its failed attempts show already', () => {
    expect(attemptHistory({ status: 'pending', attempts: 0 }, [failedAttempt(1), failedAttempt(2)]).map((a) => a.attempt)).toEqual([1, 2]);
  });

  test('an action that has not run has no attempts', () => {
    expect(attemptHistory({ status: 'pending', attempts: 0 })).toEqual([]);
  });
});
