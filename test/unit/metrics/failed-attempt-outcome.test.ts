import { failedAttemptOutcome, type FailedAttempt } from '../../../activities/attempt-outcome';

/** A retryable failure of attempt 1 with no attempt limit and a day to go. */
const base: FailedAttempt = {
  cancelled: false,
  nonRetryable: false,
  attempt: 1,
  maximumAttempts: 0,
  retry: { initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 10_000 },
  scheduledAtMs: 0,
  scheduleToCloseMs: 86_400_000,
  nowMs: 1_000,
};

describe('failedAttemptOutcome()', () => {
  test('with maximumAttempts 3, attempts 1 and 2 are retrying and attempt 3 (the last Temporal makes) is failed', () => {
    expect([1, 2, 3].map((attempt) => failedAttemptOutcome({ ...base, maximumAttempts: 3, attempt }))).toEqual([
      'retrying',
      'retrying',
      'failed',
    ]);
  });

  test('a non-retryable failure (PermanentError, a 4xx from a destination) is failed at any attempt', () => {
    expect(failedAttemptOutcome({ ...base, nonRetryable: true })).toBe('failed');
    expect(failedAttemptOutcome({ ...base, nonRetryable: true, maximumAttempts: 5, attempt: 2 })).toBe('failed');
  });

  test('a cancelled attempt is cancelled, even the last one', () => {
    expect(failedAttemptOutcome({ ...base, cancelled: true, maximumAttempts: 1 })).toBe('cancelled');
  });

  test('without an attempt limit, the attempt whose next one would start past the schedule-to-close timeout is failed', () => {
    // Attempt 3 waits 4 s (1 s × 2²) before the next: 5 s left is enough, 3 s is not.
    const near = { ...base, attempt: 3, scheduleToCloseMs: 60_000 };
    expect(failedAttemptOutcome({ ...near, nowMs: 55_000 })).toBe('retrying');
    expect(failedAttemptOutcome({ ...near, nowMs: 57_000 })).toBe('failed');
    // The backoff is capped at maximumInterval (10 s, not 1 s × 2⁹ = 512 s).
    expect(failedAttemptOutcome({ ...near, attempt: 10, nowMs: 45_000 })).toBe('retrying');
    // A destination's Retry-After replaces the backoff.
    expect(failedAttemptOutcome({ ...near, nowMs: 30_000, nextRetryDelayMs: 40_000 })).toBe('failed');
  });
});
