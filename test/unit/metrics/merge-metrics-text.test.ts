import { Counter, Histogram, Registry } from 'prom-client';
import { mergeMetricsText } from '../../../src/metrics/merge-metrics-text';

/** What the Temporal SDK's exporter serves (abridged from a real scrape). */
const SDK_TEXT = `# HELP temporal_long_request Count of long-poll request successes by rpc name
# TYPE temporal_long_request counter
temporal_long_request{namespace="default",operation="PollActivityTaskQueue",service_name="temporal-core-sdk",task_queue="q2"} 10
# HELP temporal_request_latency Histogram of client request latencies
# TYPE temporal_request_latency histogram
temporal_request_latency_bucket{operation="GetSystemInfo",service_name="temporal-core-sdk",le="50"} 1
temporal_request_latency_bucket{operation="GetSystemInfo",service_name="temporal-core-sdk",le="+Inf"} 1
temporal_request_latency_sum{operation="GetSystemInfo",service_name="temporal-core-sdk"} 4
temporal_request_latency_count{operation="GetSystemInfo",service_name="temporal-core-sdk"} 1
`;

/** Every `# TYPE` name in the text, in order. */
const typeNames = (text: string) => text.split('\n').flatMap((line) => /^# TYPE (\S+)/.exec(line)?.[1] ?? []);

async function ourText(): Promise<string> {
  const registry = new Registry();
  new Counter({ name: 'hookflow_events_processed_total', help: 'x', labelNames: ['status'], registers: [registry] }).inc({ status: 'succeeded' });
  new Histogram({ name: 'hookflow_action_duration_seconds', help: 'y', buckets: [1], registers: [registry] }).observe(0.5);
  return registry.metrics();
}

describe('mergeMetricsText(base, extra)', () => {
  test('appends every family of extra after base, samples and all', async () => {
    const base = await ourText();
    const merged = mergeMetricsText(base, SDK_TEXT);
    expect(merged.startsWith(base)).toBe(true);
    expect(typeNames(merged)).toEqual([
      'hookflow_events_processed_total',
      'hookflow_action_duration_seconds',
      'temporal_long_request',
      'temporal_request_latency',
    ]);
    expect(merged).toContain('temporal_request_latency_count{operation="GetSystemInfo",service_name="temporal-core-sdk"} 1\n');
    expect(merged.endsWith('\n')).toBe(true);
  });

  test('drops a family of extra that base already declares: HELP, TYPE and samples', async () => {
    const base = await ourText();
    const clash = `# HELP hookflow_events_processed_total other help\n# TYPE hookflow_events_processed_total counter\nhookflow_events_processed_total{status="failed"} 7\n${SDK_TEXT}`;
    const merged = mergeMetricsText(base, clash);
    expect(typeNames(merged).filter((name) => name === 'hookflow_events_processed_total')).toHaveLength(1);
    expect(merged).not.toContain('other help');
    expect(merged).not.toContain('hookflow_events_processed_total{status="failed"} 7');
    expect(merged).toContain('# TYPE temporal_long_request counter');
  });

  test('drops a family of extra whose samples base already has under the family name', async () => {
    const base = await ourText();
    // An untyped sample named like one of our histogram's series.
    const merged = mergeMetricsText(base, `hookflow_action_duration_seconds_count 99\n${SDK_TEXT}`);
    expect(merged).not.toContain('hookflow_action_duration_seconds_count 99');
    expect(merged).toContain('temporal_long_request{');
  });

  test('drops an OpenMetrics # EOF, which may only end the whole text', () => {
    const merged = mergeMetricsText('a_total 1\n', `${SDK_TEXT}# EOF\n`);
    expect(merged).not.toContain('# EOF');
    expect(merged).toContain('temporal_long_request{');
  });

  test('an empty extra (the SDK exporter did not answer) leaves base as it is', async () => {
    const base = await ourText();
    expect(mergeMetricsText(base, '')).toBe(base);
  });

  test('adds the newline a base without one lacks before appending', () => {
    expect(mergeMetricsText('a_total 1', 'b_total 2\n')).toBe('a_total 1\nb_total 2\n');
  });
});
