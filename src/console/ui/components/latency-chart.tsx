import { formatSeconds } from '../format';
import type { LatencyPoint } from '../types';

const HEIGHT = 160;
const WIDTH = 600;

/** Ack latency p50 and p99 per sampling interval as two SVG polylines. */
export function LatencyChart({ points, title }: { points: LatencyPoint[]; title: string }) {
  const withData = points.filter((p) => p.count > 0);
  if (withData.length === 0) {
    return (
      <figure class="chart">
        <figcaption>{title}</figcaption>
        <p>No acknowledged delivery in this period.</p>
      </figure>
    );
  }
  const max = Math.max(0.001, ...withData.map((p) => p.p99 ?? 0));
  const t0 = new Date(points[0].at).getTime();
  const span = Math.max(1, new Date(points[points.length - 1].at).getTime() - t0);
  // A single interval with data sits in the middle rather than on the edge.
  const x = (p: LatencyPoint) => (withData.length === 1 ? WIDTH / 2 : ((new Date(p.at).getTime() - t0) / span) * (WIDTH - 4) + 2);
  const y = (v: number | null) => HEIGHT - ((v ?? 0) / max) * (HEIGHT - 16);
  const line = (q: 'p50' | 'p99') => withData.map((p) => `${x(p).toFixed(1)},${y(p[q]).toFixed(1)}`).join(' ');
  const last = withData[withData.length - 1];
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 4}`} role="img" aria-label={`${title}: latest p50 ${formatSeconds(last.p50)}, p99 ${formatSeconds(last.p99)}`} preserveAspectRatio="none">
        <line x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} class="axis" />
        <text x="2" y="12" class="tick">
          {formatSeconds(max)}
        </text>
        <polyline points={line('p99')} class="line line-p99" />
        <polyline points={line('p50')} class="line line-p50" />
        {withData.length === 1 && (
          <>
            <circle cx={x(last)} cy={y(last.p99)} r="3" class="dot line-p99" />
            <circle cx={x(last)} cy={y(last.p50)} r="3" class="dot line-p50" />
          </>
        )}
      </svg>
      <ul class="legend">
        <li>
          <span class="swatch line-p50" aria-hidden="true" /> p50
        </li>
        <li>
          <span class="swatch line-p99" aria-hidden="true" /> p99
        </li>
      </ul>
    </figure>
  );
}
