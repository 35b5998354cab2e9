export interface Pacer {
  /** Resolves when the next start may go: at most `ratePerSecond` per second, the first at once. */
  wait(): Promise<void>;
}

/**
 * Even pacing for bulk operations, over an injected clock and sleep so tests control time.
 * Evenly spaced starts leave room between them for new events on the same task queue, which a
 * burst of a thousand starts would not.
 */
export function createPacer(
  ratePerSecond: number,
  nowMs: () => number = () => performance.now(),
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Pacer {
  if (!(ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
  const interval = 1000 / ratePerSecond;
  let next: number | undefined;
  return {
    async wait() {
      const now = nowMs();
      const at = next === undefined ? now : Math.max(now, next);
      next = at + interval;
      if (at > now) await sleep(at - now);
    },
  };
}
