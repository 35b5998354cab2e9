import type { AttemptOutcome } from '../src/metrics/activity-metrics';
import type { RetryPlan } from '../src/types/webhook-event';

export interface FailedAttempt {
  /** The attempt was cancelled (the workflow asked it to stop). */
  readonly cancelled: boolean;
  /** Its failure is non-retryable (a PermanentError, a permanent answer from a destination). */
  readonly nonRetryable: boolean;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The limit Temporal applies: 0 or undefined for none. */
  readonly maximumAttempts?: number;
  /** The action's retry settings, for the delay before the next attempt. */
  readonly retry: Pick<RetryPlan, 'initialIntervalMs' | 'backoffCoefficient' | 'maximumIntervalMs'>;
  /** The failure's own delay for the next attempt (a destination's Retry-After), if any. */
  readonly nextRetryDelayMs?: number;
  /** When the first attempt was scheduled, and the schedule-to-close timeout, both in ms. */
  readonly scheduledAtMs: number;
  readonly scheduleToCloseMs: number;
  readonly nowMs: number;
}

/**
 * The status a failed attempt leaves in its action's record, and its `outcome` label in
 * hookflow_action_duration_seconds: `retrying` only when Temporal will try again. The attempt
 * Temporal will not retry is `failed`: a non-retryable failure, the last attempt allowed
 * (attempt == maximumAttempts), or one whose next attempt would start after the
 * schedule-to-close timeout, which is how Temporal ends retries without an attempt limit.
 */
export function failedAttemptOutcome(failed: FailedAttempt): Extract<AttemptOutcome, 'retrying' | 'failed' | 'cancelled'> {
  if (failed.cancelled) return 'cancelled';
  if (failed.nonRetryable) return 'failed';
  if (failed.maximumAttempts && failed.attempt >= failed.maximumAttempts) return 'failed';
  if (failed.scheduleToCloseMs > 0 && failed.nowMs + nextDelayMs(failed) >= failed.scheduledAtMs + failed.scheduleToCloseMs) return 'failed';
  return 'retrying';
}

/** Temporal's backoff: initialInterval × coefficient^(attempt−1), at most maximumInterval. */
function nextDelayMs({ attempt, retry, nextRetryDelayMs }: FailedAttempt): number {
  if (nextRetryDelayMs !== undefined) return nextRetryDelayMs;
  return Math.min(retry.initialIntervalMs * retry.backoffCoefficient ** (attempt - 1), retry.maximumIntervalMs);
}
