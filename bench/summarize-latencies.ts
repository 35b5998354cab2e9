export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/**
 * Nearest-rank percentiles of raw samples in ms. Every scenario goes through this one function,
 * so the latencies of (a), (b) and (c) are computed alike (autocannon's own histogram rounds to
 * whole milliseconds, too coarse for a bare endpoint answering in 1-2 ms).
 */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: NaN, p99: NaN, mean: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { count: sorted.length, p50: round(rank(50)), p99: round(rank(99)), mean: round(sum / sorted.length), max: round(sorted[sorted.length - 1]) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
