import { whyNotRetryable } from '../../../src/admin/retry-eligibility';

describe('whyNotRetryable(run, docStatus)', () => {
  test.each(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT'] as const)('a run that ended %s may be retried', (status) => {
    expect(whyNotRetryable({ status }, 'failed')).toBeUndefined();
    // Temporal's word wins: a workflow terminated outside hookflow leaves the document `processing`.
    expect(whyNotRetryable({ status }, 'processing')).toBeUndefined();
  });

  test('a running workflow may not be retried, whatever the document says', () => {
    expect(whyNotRetryable({ status: 'RUNNING' }, 'failed')).toBe('it is still running');
  });

  test('a completed workflow may not be retried: replay it instead', () => {
    expect(whyNotRetryable({ status: 'COMPLETED' }, 'succeeded')).toBe('it completed (succeeded); replay it to run it again');
    expect(whyNotRetryable({ status: 'COMPLETED' }, 'ignored')).toMatch(/completed \(ignored\)/);
  });

  test('without a workflow in Temporal (past retention) the document decides', () => {
    for (const status of ['failed', 'cancelled', 'terminated', 'processing'] as const) expect(whyNotRetryable(undefined, status)).toBeUndefined();
    for (const status of ['succeeded', 'ignored', 'stale'] as const) {
      expect(whyNotRetryable(undefined, status)).toBe(`it is ${status}; replay it to run it again`);
    }
  });
});
