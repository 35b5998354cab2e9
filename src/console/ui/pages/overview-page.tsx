import { api } from '../api';
import { EventsTable } from '../components/events-table';
import { LatencyChart } from '../components/latency-chart';
import { Notice } from '../components/notice';
import { RateChart } from '../components/rate-chart';
import { formatSeconds } from '../format';
import type { Overview } from '../types';
import { useData } from '../use-data';

/** How hookflow is doing: throughput by outcome, failures, how fast providers are answered. */
export function OverviewPage() {
  const overview = useData<Overview>('overview', () => api.get('/overview'), 15_000);
  const o = overview.data;
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <Notice error={overview.error} loading={overview.loading && !o} />
      {o && (
        <>
          <div class="stats">
            <p>
              <strong>{o.hour.totals.succeeded + o.hour.totals.failed + o.hour.totals['in progress'] + o.hour.totals.other}</strong> events in the last hour
            </p>
            <p>
              <strong>{o.hour.totals.failed}</strong> failed in the last hour, <strong>{o.day.totals.failed}</strong> in the last day
            </p>
            <p>
              Ack latency p50 <strong>{formatSeconds(o.ackLatency?.overall.p50)}</strong>, p99 <strong>{formatSeconds(o.ackLatency?.overall.p99)}</strong>
              {o.ackLatency ? ` over ${o.ackLatency.overall.count} acknowledged deliveries` : ' (no receiver in this process)'}
            </p>
          </div>
          <div class="charts">
            <RateChart series={o.hour} title="Events per minute, last hour" />
            <RateChart series={o.day} title={`Events per minute, last day (${o.day.bucketMinutes}-minute buckets)${o.truncated ? ', partial' : ''}`} />
            {o.ackLatency && <LatencyChart points={o.ackLatency.hour} title="Ack latency, last hour" />}
            {o.ackLatency && <LatencyChart points={o.ackLatency.day} title="Ack latency, last day" />}
          </div>
          <h2>Latest failures</h2>
          <EventsTable events={o.failures} caption="Latest failed, cancelled or terminated events" />
        </>
      )}
    </section>
  );
}
