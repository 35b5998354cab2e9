import { summarizeLatencies, type LatencySummary } from './summarize-latencies';

export interface Completion {
  /** Events of the batch that reached their final state. */
  readonly completed: number;
  /** From the first request (or start call) of the batch to the last completion. */
  readonly seconds: number;
  readonly perSecond: number;
  /** Per event, from receipt (or start) to completion. */
  readonly latencyMs: LatencySummary;
}

/** Throughput of a batch sent from `t0` whose last event completed at `lastAt`. */
export function summarizeCompletion(t0: number, lastAt: number, latenciesMs: readonly number[]): Completion {
  const seconds = lastAt > t0 ? (lastAt - t0) / 1000 : NaN;
  return {
    completed: latenciesMs.length,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round((latenciesMs.length / seconds) * 10) / 10,
    latencyMs: summarizeLatencies(latenciesMs),
  };
}
