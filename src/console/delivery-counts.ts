import type { Registry } from 'prom-client';
import type { ReceiverMetrics } from '../metrics/create-receiver-metrics';

export interface SourceDeliveryCounts {
  /** By outcome label: accepted, duplicate, handshake, rejected, unavailable, error. */
  readonly outcomes: Record<string, number>;
  /** Signature failures (401) by reason. */
  readonly signatureFailures: Record<string, number>;
}

/** Cumulative ack-latency histogram: `le` upper bounds (seconds, last Infinity) and counts. */
export interface LatencyHistogram {
  readonly bounds: number[];
  readonly counts: number[];
  readonly total: number;
}

/**
 * What the receiver counted since this process started, read from its own Prometheus registry:
 * the admin server runs in the receiver's process (src/cli/run-receiver.ts), so the console sees
 * exactly what /metrics exports there. A fleet of receivers needs Prometheus for the sum.
 */
export async function deliveryCounts(metrics: ReceiverMetrics): Promise<Map<string, SourceDeliveryCounts>> {
  const bySource = new Map<string, { outcomes: Record<string, number>; signatureFailures: Record<string, number> }>();
  const entry = (source: string) => {
    let counts = bySource.get(source);
    if (!counts) bySource.set(source, (counts = { outcomes: {}, signatureFailures: {} }));
    return counts;
  };
  for (const { labels, value } of await values(metrics.registry, 'hookflow_webhooks_received_total')) {
    const outcomes = entry(String(labels.source)).outcomes;
    outcomes[String(labels.outcome)] = (outcomes[String(labels.outcome)] ?? 0) + value;
  }
  for (const { source, reason, count } of metrics.signatureFailures.snapshot()) entry(source).signatureFailures[reason] = count;
  return bySource;
}

/** The ack-latency histogram summed over sources. */
export async function ackLatencyHistogram(metrics: ReceiverMetrics): Promise<LatencyHistogram> {
  const byBound = new Map<number, number>();
  for (const sample of await values(metrics.registry, 'hookflow_ack_latency_seconds')) {
    const { labels, value } = sample;
    // A histogram's values hold its _bucket, _sum and _count samples; only buckets have `le`.
    if ((sample as { metricName?: string }).metricName !== 'hookflow_ack_latency_seconds_bucket') continue;
    const bound = labels.le === '+Inf' ? Infinity : Number(labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + value);
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => byBound.get(b)!);
  return { bounds, counts, total: counts.at(-1) ?? 0 };
}

/**
 * The q-quantile of the deliveries between two cumulative snapshots, interpolated linearly
 * within its bucket as Prometheus' histogram_quantile does; null when none was acknowledged.
 */
export function latencyQuantile(q: number, now: LatencyHistogram, before?: LatencyHistogram): number | null {
  const counts = now.counts.map((c, i) => c - (before?.counts[i] ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] >= rank) {
      const upper = now.bounds[i];
      const lower = i === 0 ? 0 : now.bounds[i - 1];
      if (upper === Infinity) return lower; // beyond the last bucket: its lower bound is all we know
      const below = i === 0 ? 0 : counts[i - 1];
      const inBucket = counts[i] - below;
      return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
    }
  }
  return now.bounds.at(-2) ?? null;
}

async function values(registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}
