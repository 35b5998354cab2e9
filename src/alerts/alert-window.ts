import type { AlertConditionInput } from './alert-rule';

/** Occurrences (`failed`) and, for rates, attempts (`total`) in one slice of the window. */
export interface Bucket {
  readonly at: number;
  readonly failed: number;
  readonly total: number;
}

/** A window is kept as at most this many slices, so a storm costs no more state than a trickle. */
const SLICES = 20;

function sliceMs(windowMs: number): number {
  return Math.max(1, Math.floor(windowMs / SLICES));
}

/** The buckets with an observation added to its slice (by its time, rounded down). */
export function addToWindow(buckets: readonly Bucket[], windowMs: number, at: number, failed: number, total: number): Bucket[] {
  const slice = at - (at % sliceMs(windowMs));
  const index = buckets.findIndex((b) => b.at === slice);
  if (index < 0) return [...buckets, { at: slice, failed, total }].sort((a, b) => a.at - b.at);
  return buckets.map((b, i) => (i === index ? { at: b.at, failed: b.failed + failed, total: b.total + total } : b));
}

/** Only the slices that still overlap the window ending now. */
export function trimWindow(buckets: readonly Bucket[], windowMs: number, now: number): Bucket[] {
  return buckets.filter((b) => b.at + sliceMs(windowMs) > now - windowMs);
}

/** When the oldest slice leaves the window: the next time the verdict may change with nothing new. */
export function nextExpiry(buckets: readonly Bucket[], windowMs: number): number | undefined {
  return buckets.length === 0 ? undefined : buckets[0]!.at + sliceMs(windowMs) + windowMs;
}

export interface Verdict {
  readonly firing: boolean;
  readonly failed: number;
  readonly total: number;
}

/**
 * `count`: firing while the occurrences within the window reach the threshold. `rate`: firing
 * once at least minAttempts were made and the failed share reaches the rate; it clears when the
 * share drops below resolveRate (hysteresis: a share hovering at the rate does not flap), or
 * when no attempt is left in the window (then nothing is failing). `state` rules are judged by
 * their latest report, not here.
 */
export function judgeWindow(input: Pick<AlertConditionInput, 'mode' | 'threshold' | 'rate' | 'resolveRate' | 'minAttempts'>, buckets: readonly Bucket[], wasFiring: boolean): Verdict {
  const failed = buckets.reduce((sum, b) => sum + b.failed, 0);
  const total = buckets.reduce((sum, b) => sum + b.total, 0);
  if (input.mode === 'count') return { firing: failed >= input.threshold, failed, total };
  const share = total === 0 ? 0 : failed / total;
  const firing = wasFiring ? total > 0 && share >= (input.resolveRate ?? input.rate) : total >= input.minAttempts && share >= input.rate;
  return { firing, failed, total };
}
