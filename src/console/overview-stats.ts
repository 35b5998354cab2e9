import type { Collection } from 'mongodb';
import { eventSummary, SUMMARY_PROJECTION, type EventSummary } from '../admin/event-view';
import type { EventDocument } from '../store/documents';
import type { EventStatus } from '../types/webhook-event';
import type { AckLatencySampler, LatencyPoint } from './ack-latency-sampler';

export const OUTCOMES = ['succeeded', 'failed', 'in progress', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface RateSeries {
  /** Width of one bucket. */
  readonly bucketMinutes: number;
  /** Start of each bucket, oldest first. */
  readonly starts: string[];
  /** Events per minute in each bucket, by outcome. */
  readonly perMinute: Record<Outcome, number[]>;
  readonly totals: Record<Outcome, number>;
}

export interface Overview {
  readonly at: string;
  readonly hour: RateSeries;
  readonly day: RateSeries;
  /** The latest failed, cancelled or terminated events. */
  readonly failures: EventSummary[];
  /** null: this admin server has no receiver metrics. */
  readonly ackLatency: { readonly overall: { p50: number | null; p99: number | null; count: number }; readonly hour: LatencyPoint[]; readonly day: LatencyPoint[] } | null;
  /** True when the day had more events than were read: the day's counts are then a lower bound. */
  readonly truncated: boolean;
}

const MINUTE = 60_000;
/** Enough for ~35 events a minute all day; beyond it the day chart says it is partial. */
const MAX_EVENTS_READ = 50_000;
const FAILED: readonly EventStatus[] = ['failed', 'cancelled', 'terminated'];

function outcomeOf(status: EventStatus): Outcome {
  if (status === 'succeeded') return 'succeeded';
  if (FAILED.includes(status)) return 'failed';
  if (status === 'processing' || status === 'scheduled' || status === 'held') return 'in progress';
  return 'other';
}

/**
 * The Overview page: events per minute by outcome over the last hour (1-minute buckets) and day
 * (15-minute buckets), from the records' listedAt and status (bucketed here: FerretDB v1 has no
 * date operators in $group), the latest failures, and ack latency p50/p99 from the sampler.
 */
export async function overviewStats(deps: {
  events: Collection<EventDocument>;
  ackLatency?: AckLatencySampler;
  now?: () => Date;
}): Promise<Overview> {
  const now = (deps.now ?? (() => new Date()))();
  const dayAgo = new Date(now.getTime() - 24 * 60 * MINUTE);
  const hourAgo = new Date(now.getTime() - 60 * MINUTE);
  const [docs, failures] = await Promise.all([
    deps.events
      .find({ listedAt: { $gte: dayAgo } }, { projection: { listedAt: 1, status: 1 } })
      .sort({ listedAt: -1, _id: -1 })
      .limit(MAX_EVENTS_READ + 1)
      .toArray(),
    deps.events
      .find({ status: { $in: [...FAILED] } }, { projection: SUMMARY_PROJECTION })
      .sort({ listedAt: -1, _id: -1 })
      .limit(10)
      .toArray(),
  ]);
  const read = docs.slice(0, MAX_EVENTS_READ).map((d) => ({ at: (d.listedAt ?? d.receivedAt).getTime(), outcome: outcomeOf(d.status) }));
  return {
    at: now.toISOString(),
    hour: rateSeries(read, now, 1, 60),
    day: rateSeries(read, now, 15, 96),
    failures: failures.map((doc) => eventSummary(doc)),
    ackLatency: deps.ackLatency
      ? { overall: await deps.ackLatency.overall(), hour: await deps.ackLatency.series(hourAgo), day: await deps.ackLatency.series(dayAgo) }
      : null,
    truncated: docs.length > MAX_EVENTS_READ,
  };
}

/** `buckets` buckets of `bucketMinutes`, the last one ending at `now`'s next whole minute. */
export function rateSeries(events: readonly { at: number; outcome: Outcome }[], now: Date, bucketMinutes: number, buckets: number): RateSeries {
  const width = bucketMinutes * MINUTE;
  const end = Math.ceil((now.getTime() + 1) / MINUTE) * MINUTE;
  const start = end - buckets * width;
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, new Array<number>(buckets).fill(0)])) as Record<Outcome, number[]>;
  for (const { at, outcome } of events) {
    if (at < start || at >= end) continue;
    counts[outcome][Math.floor((at - start) / width)]++;
  }
  const totals = Object.fromEntries(OUTCOMES.map((o) => [o, counts[o].reduce((a, b) => a + b, 0)])) as Record<Outcome, number>;
  const perMinute = Object.fromEntries(OUTCOMES.map((o) => [o, counts[o].map((c) => c / bucketMinutes)])) as Record<Outcome, number[]>;
  return {
    bucketMinutes,
    starts: Array.from({ length: buckets }, (_, i) => new Date(start + i * width).toISOString()),
    perMinute,
    totals,
  };
}
