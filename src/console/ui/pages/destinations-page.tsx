import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, eventPath } from '../api';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog';
import { Notice } from '../components/notice';
import { StatusBadge } from '../components/status-badge';
import { formatDuration, formatTime } from '../format';
import type { DestinationStats } from '../types';
import { useData } from '../use-data';

/** Each forward destination: paused or not, its limits, its latest failures, Pause and Resume. */
export function DestinationsPage() {
  const destinations = useData<{ destinations: DestinationStats[] }>('destinations', () => api.get('/destinations'), 10_000);
  const [confirm, setConfirm] = useState<ConfirmRequest | undefined>(undefined);
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const toggle = (d: DestinationStats) =>
    setConfirm({
      action: d.paused ? `Resume ${d.name}` : `Pause ${d.name}`,
      description: d.paused
        ? `Forwards held for ${d.name} (${d.held} events) drain now, each a normal attempt with its route's retries.`
        : `Forwards to ${d.name} that have not started are held, durably, until it is resumed; other actions run.`,
      reasonRequired: false,
      async run(reason) {
        await api.admin.post(`/destinations/${encodeURIComponent(d.name)}/${d.paused ? 'resume' : 'pause'}`, reason ? { reason } : {});
        destinations.reload();
        return `${d.name} ${d.paused ? 'resumed' : 'paused'}.`;
      },
    });
  const list = destinations.data?.destinations ?? [];
  return (
    <section aria-labelledby="destinations-title">
      <h1 id="destinations-title">Destinations</h1>
      <Notice error={destinations.error} loading={destinations.loading && !destinations.data} />
      {outcome && (
        <p class="success" role="status">
          {outcome}
        </p>
      )}
      {destinations.data && list.length === 0 && <p>No destinations are configured.</p>}
      {list.map((d) => (
        <article key={d.name} class="card" aria-labelledby={`destination-${d.name}`}>
          <h2 id={`destination-${d.name}`}>
            {d.name} <StatusBadge status={d.status} />
          </h2>
          <dl class="facts">
            <div>
              <dt>URL</dt>
              <dd class="id wrap">{d.url}</dd>
            </div>
            <div>
              <dt>Paused</dt>
              <dd>{d.paused ? `yes, since ${formatTime(d.pausedAt)}${d.pausedReason ? `: ${d.pausedReason}` : ''}` : 'no'}</dd>
            </div>
            <div>
              <dt>Held events</dt>
              <dd>{d.held}</dd>
            </div>
            <div>
              <dt>Rate limit</dt>
              <dd>{d.rateLimit ? `${d.rateLimit.perSecond} per second` : 'none'}</dd>
            </div>
            {d.maxConcurrency && (
              <div>
                <dt>In flight at most</dt>
                <dd>{d.maxConcurrency}</dd>
              </div>
            )}
            <div>
              <dt>Circuit breaker</dt>
              <dd>
                {d.circuitBreaker
                  ? `pauses after ${d.circuitBreaker.failures} failures within ${formatDuration(d.circuitBreaker.withinMs)}; ${d.circuitBreaker.coolDownMs === 'manual' ? 'an operator resumes' : `probes after ${formatDuration(d.circuitBreaker.coolDownMs)}`}`
                  : 'none'}
              </dd>
            </div>
            <div>
              <dt>Timeout</dt>
              <dd>{formatDuration(d.timeoutMs)}</dd>
            </div>
          </dl>
          <button type="button" class={d.paused ? 'primary' : ''} onClick={() => toggle(d)}>
            {d.paused ? `Resume ${d.name}` : `Pause ${d.name}`}
          </button>
          <h3>Recent failures</h3>
          {d.recentFailures.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul class="failures">
              {d.recentFailures.map((f) => (
                <li key={f.id}>
                  <time dateTime={f.at}>{formatTime(f.at)}</time> <Link href={eventPath(f.id)}>{f.id}</Link> {f.type}
                  {f.error && <span class="error-text"> {f.error}</span>}
                </li>
              ))}
            </ul>
          )}
        </article>
      ))}
      <ConfirmDialog
        request={confirm}
        onClose={(message) => {
          setConfirm(undefined);
          if (message) setOutcome(message);
        }}
      />
    </section>
  );
}
