import { OUTCOMES, type RateSeries } from '../types';

const HEIGHT = 160;
const WIDTH = 600;

/**
 * Events per minute by outcome as stacked bars, in SVG drawn by Preact (no chart library: bars
 * are a few rects). The figures are also in the table below it, for screen readers and copying.
 */
export function RateChart({ series, title }: { series: RateSeries; title: string }) {
  const n = series.starts.length;
  const stacks = series.starts.map((_, i) => OUTCOMES.reduce((sum, o) => sum + series.perMinute[o][i], 0));
  const max = Math.max(1, ...stacks);
  const barWidth = WIDTH / n;
  const totals = OUTCOMES.map((o) => `${series.totals[o]} ${o}`).join(', ');
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 20}`} role="img" aria-label={`${title}: ${totals}`} preserveAspectRatio="none">
        <line x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} class="axis" />
        <text x="2" y="12" class="tick">
          {formatRate(max)}/min
        </text>
        {series.starts.map((start, i) => {
          let y = HEIGHT;
          return (
            <g key={start}>
              {OUTCOMES.map((o) => {
                const h = (series.perMinute[o][i] / max) * (HEIGHT - 16);
                y -= h;
                return h > 0 ? <rect key={o} x={i * barWidth + 0.5} y={y} width={Math.max(1, barWidth - 1)} height={h} class={`bar bar-${o.replace(' ', '-')}`} /> : null;
              })}
            </g>
          );
        })}
        <text x="2" y={HEIGHT + 16} class="tick">
          {new Date(series.starts[0]).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })}
        </text>
        <text x={WIDTH - 2} y={HEIGHT + 16} class="tick" text-anchor="end">
          now
        </text>
      </svg>
      <ul class="legend">
        {OUTCOMES.map((o) => (
          <li key={o}>
            <span class={`swatch bar-${o.replace(' ', '-')}`} aria-hidden="true" /> {o}: {series.totals[o]}
          </li>
        ))}
      </ul>
    </figure>
  );
}

function formatRate(value: number): string {
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1);
}
