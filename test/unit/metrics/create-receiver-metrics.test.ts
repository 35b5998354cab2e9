import { createReceiverMetrics } from '../../../src/metrics/create-receiver-metrics';

const line = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));

describe('createReceiverMetrics()', () => {
  test('recordDelivery() counts by source, outcome and status, duplicates apart, and times only 2xx answers', async () => {
    const metrics = createReceiverMetrics();
    metrics.recordDelivery('stripe', 'accepted', 200, 0.02);
    metrics.recordDelivery('stripe', 'duplicate', 200, 0.01);
    metrics.recordDelivery('stripe', 'rejected', 401, 0.001);
    const text = await metrics.registry.metrics();
    expect(line(text, 'hookflow_webhooks_received_total{source="stripe",outcome="accepted",status="200"}')).toMatch(/ 1$/);
    expect(line(text, 'hookflow_webhooks_received_total{source="stripe",outcome="duplicate",status="200"}')).toMatch(/ 1$/);
    expect(line(text, 'hookflow_webhooks_received_total{source="stripe",outcome="rejected",status="401"}')).toMatch(/ 1$/);
    expect(line(text, 'hookflow_duplicate_webhooks_total{source="stripe"}')).toMatch(/ 1$/);
    expect(line(text, 'hookflow_ack_latency_seconds_count{source="stripe"}')).toMatch(/ 2$/);
  });

  test('signatureFailures.increment() shows in hookflow_signature_failures_total and in snapshot()', async () => {
    const metrics = createReceiverMetrics();
    metrics.signatureFailures.increment('github', 'no_matching_signature');
    metrics.signatureFailures.increment('github', 'no_matching_signature');
    expect(metrics.signatureFailures.snapshot()).toEqual([{ source: 'github', reason: 'no_matching_signature', count: 2 }]);
    const text = await metrics.registry.metrics();
    expect(line(text, 'hookflow_signature_failures_total{source="github",reason="no_matching_signature"}')).toMatch(/ 2$/);
  });

  test('serves the process metrics under their standard names', async () => {
    const text = await createReceiverMetrics().registry.metrics();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });
});
