import type { ReceiverMetrics } from '../metrics/create-receiver-metrics';
import { ackLatencyHistogram, latencyQuantile, type LatencyHistogram } from './delivery-counts';

export interface LatencyPoint {
  /** End of the interval. */
  readonly at: string;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly count: number;
}

export interface AckLatencySampler {
  /** p50 and p99 of each interval since `since`, oldest first; the last one runs up to now. */
  series(since: Date): Promise<LatencyPoint[]>;
  /** Over everything since the receiver started. */
  overall(): Promise<{ p50: number | null; p99: number | null; count: number }>;
  stop(): void;
}

/** A day of minutes. */
const KEEP = 24 * 60;

/**
 * Ack latency over time, for the Overview's chart: the receiver's histogram is cumulative, so it
 * is copied every `intervalMs` (a minute) and each interval's quantiles come from the difference
 * of two copies. In memory, like the histogram itself: a restart starts the chart afresh.
 */
export function createAckLatencySampler(metrics: ReceiverMetrics, { intervalMs = 60_000, now = () => new Date() } = {}): AckLatencySampler {
  const samples: { at: Date; histogram: LatencyHistogram }[] = [];
  const take = async () => {
    samples.push({ at: now(), histogram: await ackLatencyHistogram(metrics) });
    if (samples.length > KEEP) samples.shift();
  };
  void take();
  const timer = setInterval(() => void take(), intervalMs);
  timer.unref();
  const point = (at: Date, histogram: LatencyHistogram, before?: LatencyHistogram): LatencyPoint => ({
    at: at.toISOString(),
    p50: latencyQuantile(0.5, histogram, before),
    p99: latencyQuantile(0.99, histogram, before),
    count: histogram.total - (before?.total ?? 0),
  });
  return {
    async series(since) {
      const points: LatencyPoint[] = [];
      for (let i = 1; i < samples.length; i++) {
        if (samples[i].at >= since) points.push(point(samples[i].at, samples[i].histogram, samples[i - 1].histogram));
      }
      const last = samples.at(-1);
      if (last) points.push(point(now(), await ackLatencyHistogram(metrics), last.histogram));
      return points;
    },
    async overall() {
      const histogram = await ackLatencyHistogram(metrics);
      return { p50: latencyQuantile(0.5, histogram), p99: latencyQuantile(0.99, histogram), count: histogram.total };
    },
    stop() {
      clearInterval(timer);
    },
  };
}
