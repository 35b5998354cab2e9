import { api } from '../api';
import { Notice } from '../components/notice';
import { StatusBadge } from '../components/status-badge';
import { formatTime } from '../format';
import type { SourceStats } from '../types';
import { useData } from '../use-data';

/** Each source: where the provider must send, and how its deliveries were answered. */
export function SourcesPage() {
  const sources = useData<{ sources: SourceStats[] }>('sources', () => api.get('/sources'), 10_000);
  const list = sources.data?.sources ?? [];
  const counted = list.some((s) => s.deliveries !== null);
  return (
    <section aria-labelledby="sources-title">
      <h1 id="sources-title">Sources</h1>
      <p class="note">
        {counted
          ? 'Delivery counts are this receiver’s since it started (its /metrics); the last delivery is from the event records.'
          : 'This admin server runs without a receiver, so it has no delivery counts; the last delivery is from the event records.'}
      </p>
      <Notice error={sources.error} loading={sources.loading && !sources.data} />
      <div class="table-scroll" role="region" aria-label="Configured sources" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Provider</th>
              <th scope="col">URL to register</th>
              <th scope="col">Accepted</th>
              <th scope="col">Duplicate</th>
              <th scope="col">Rejected</th>
              <th scope="col">Signature failures</th>
              <th scope="col">Last delivery</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.name}>
                <td>
                  {s.name}
                  {s.paused && (
                    <>
                      {' '}
                      <StatusBadge status="paused" />
                    </>
                  )}
                </td>
                <td>{s.provider}</td>
                <td class="id wrap">{s.url}</td>
                <td>{s.deliveries?.accepted ?? '—'}</td>
                <td>{s.deliveries?.duplicate ?? '—'}</td>
                <td>{s.deliveries?.rejected ?? '—'}</td>
                <td>
                  {s.signatureFailures === null
                    ? '—'
                    : Object.keys(s.signatureFailures).length === 0
                      ? 'none'
                      : Object.entries(s.signatureFailures)
                          .map(([reason, n]) => `${reason}: ${n}`)
                          .join(', ')}
                </td>
                <td>{formatTime(s.lastDeliveryAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
