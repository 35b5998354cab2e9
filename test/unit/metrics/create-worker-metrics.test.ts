import { createWorkerMetrics } from '../../../src/metrics/create-worker-metrics';

/** `name{labels} value` lines of one metric, as a map from the label text to the value. */
function samples(text: string, name: string): Record<string, number> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(name.length, at), Number(line.slice(at + 1))];
      }),
  );
}

describe('createWorkerMetrics()', () => {
  test('every final status and action kind starts at 0, so rate() sees the first event', async () => {
    const text = await createWorkerMetrics().registry.metrics();
    expect(samples(text, 'hookflow_events_processed_total')).toEqual({
      '{status="succeeded"}': 0,
      '{status="failed"}': 0,
      '{status="cancelled"}': 0,
      '{status="ignored"}': 0,
      '{status="stale"}': 0,
    });
    expect(samples(text, 'hookflow_action_retries_total')).toEqual({ '{kind="handler"}': 0, '{kind="forward"}': 0 });
  });

  test('actionAttempt() times every attempt and counts those after the first as retries', async () => {
    const metrics = createWorkerMetrics();
    metrics.actionAttempt('handler', 'retrying', 1, 0.2);
    metrics.actionAttempt('handler', 'succeeded', 2, 0.1);
    metrics.actionAttempt('forward', 'failed', 1, 3);
    metrics.eventFinished('succeeded');
    metrics.eventFinished('failed');
    const text = await metrics.registry.metrics();
    expect(samples(text, 'hookflow_action_duration_seconds_count')).toEqual({
      '{kind="handler",outcome="retrying"}': 1,
      '{kind="handler",outcome="succeeded"}': 1,
      '{kind="forward",outcome="failed"}': 1,
    });
    expect(samples(text, 'hookflow_action_retries_total')).toEqual({ '{kind="handler"}': 1, '{kind="forward"}': 0 });
    expect(samples(text, 'hookflow_events_processed_total')['{status="succeeded"}']).toBe(1);
    expect(samples(text, 'hookflow_events_processed_total')['{status="failed"}']).toBe(1);
  });

  test('the backlog gauge is read at scrape time, and has no samples when the read fails', async () => {
    let backlog = { workflow: 3, activity: 1 };
    let failing = false;
    const metrics = createWorkerMetrics({ backlog: async () => (failing ? Promise.reject(new Error('down')) : backlog) });
    expect(samples(await metrics.registry.metrics(), 'hookflow_task_queue_backlog')).toEqual({
      '{type="workflow"}': 3,
      '{type="activity"}': 1,
    });
    backlog = { workflow: 0, activity: 5 };
    expect(samples(await metrics.registry.metrics(), 'hookflow_task_queue_backlog')['{type="activity"}']).toBe(5);
    failing = true;
    expect(samples(await metrics.registry.metrics(), 'hookflow_task_queue_backlog')).toEqual({});
  });

  test('two workers in one process keep their own counts', async () => {
    const a = createWorkerMetrics();
    const b = createWorkerMetrics();
    a.eventFinished('stale');
    expect(samples(await b.registry.metrics(), 'hookflow_events_processed_total')['{status="stale"}']).toBe(0);
  });
});
