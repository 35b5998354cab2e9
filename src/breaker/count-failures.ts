import type { BreakerAttempt } from './breaker-input';

/**
 * The failures in a row that still count: a success clears them, and failures older than
 * `withinMs` before the newest fall out. Attempts are taken in the order they ended, as several
 * workers report them.
 */
export function countFailures(previous: readonly number[], attempts: readonly BreakerAttempt[], withinMs: number, now: number): number[] {
  let failures = [...previous];
  for (const attempt of [...attempts].sort((a, b) => a.at - b.at)) {
    if (attempt.ok) failures = failures.filter((at) => at > attempt.at);
    else failures.push(attempt.at);
  }
  return failures.filter((at) => at > now - withinMs).sort((a, b) => a - b);
}
