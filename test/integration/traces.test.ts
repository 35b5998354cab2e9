import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '../../src/stack/wait-until';
import { explainUnfinished } from '../harness/explain-unfinished';
import { keepLogs, startHookflowProcess, writeProcessConfig, type HookflowProcess } from '../harness/hookflow-process';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../harness/otlp-receiver';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';
import { testEnv } from '../harness/test-env';

/** The header Temporal's OpenTelemetry interceptors carry a trace context in. */
const TRACE_HEADER = '_tracer-data';

/**
 * Traces on the real stack, with real receiver and worker processes exporting to a stand-in
 * collector over OTLP/HTTP: the receiver in JSON, the worker in protobuf (the default), so both
 * encodings are exercised. One event whose only action fails once yields one trace rooted at the
 * receiver's request span.
 */
describe('traces', () => {
  // Above the 120 s waits inside, so a slow run fails with its explanation, not jest's timeout.
  jest.setTimeout(300_000);
  let stack: TestStack;
  let otlp: OtlpReceiver;
  let configPath: string;
  let logDir = '';
  const processes: HookflowProcess[] = [];
  const routes = [
    { source: 'demo', events: ['*'], actions: [{ handler: 'failOnce' }], retry: { initialIntervalMs: 200, maximumIntervalMs: 500 } },
  ];

  const start = async (command: 'receiver' | 'worker', env: Record<string, string>) => {
    const started = keepLogs(
      logDir,
      startHookflowProcess(command, configPath, {
        MONGODB_URI: testEnv('mongoUri'),
        MONGODB_DATABASE: stack.config.mongodb.database,
        // Batches leave every 100 ms instead of 5 s, so the test waits on spans, not on a timer.
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...env,
      }),
    );
    processes.push(started);
    return started;
  };
  const stopAll = async () => {
    for (const running of processes.splice(0)) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  };

  const send = async (url: string) => {
    const { id, body } = demoEvent('order.paid');
    const response = await fetch(`${url}/webhooks/demo`, { method: 'POST', body, headers: hmacHeaders(body, 'test-secret') });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'accepted', workflowId: `demo:${id}` });
    return `demo:${id}`;
  };
  const succeeded = async (workflowId: string) => {
    try {
      return await stack.waitForStatus(workflowId, 'succeeded', 120_000);
    } catch (error) {
      const report = await explainUnfinished({ events: stack.store.events, client: stack.client, workflowIds: [workflowId] });
      throw new Error(`${(error as Error).message}\n${report}\nprocess logs in ${logDir}`);
    }
  };
  /** The trace-context header of the workflow's start, as Temporal recorded it. */
  const startHeaders = async (workflowId: string) => {
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    return Object.keys(history.events?.[0]?.workflowExecutionStartedEventAttributes?.header?.fields ?? {});
  };

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stack = await createTestStack({ sources: { demo: DEMO_SOURCE }, routes, worker: false });
    logDir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-traces-'));
    configPath = writeProcessConfig(logDir, stack.config, {
      server: { host: '127.0.0.1', port: 0 },
      handlers: path.resolve(__dirname, '../fixtures/flaky-handlers.ts'),
      sources: { demo: DEMO_SOURCE },
      routes,
    });
  });

  afterEach(stopAll);

  afterAll(async () => {
    await stopAll();
    await stack?.close();
    await otlp?.close();
  });

  test('one event is one connected trace: request, workflow start, workflow, and each action attempt', async () => {
    const receiver = await start('receiver', { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    // This worker bundles the workflows at start, so the bundle holds the interceptor modules
    // the way create-worker.ts adds them (the prebuilt bundle gets them from the same function).
    const worker = await start('worker', { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    const { url } = (await receiver.waitForLog('receiver listening')) as { url: string };
    await worker.waitForLog('worker polling', 180_000);

    const workflowId = await send(url);
    const document = await succeeded(workflowId);
    expect(document.actions['handler:failOnce']).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await startHeaders(workflowId)).toContain(TRACE_HEADER);

    // The workflow's own span reaches the exporter when the workflow ends, through its sink.
    const named = (spans: ReceivedSpan[], name: string) => spans.filter((span) => span.name === name);
    const root = await waitUntil(
      'the receiver span of the event',
      async () => otlp.spans.find((span) => span.name === 'POST /webhooks/:source' && span.attributes['hookflow.workflow_id'] === workflowId),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const trace = await waitUntil(
      'the workflow span and both attempt spans',
      async () => {
        const spans = otlp.spans.filter((span) => span.traceId === root.traceId);
        return named(spans, 'RunWorkflow:processWebhook').length === 1 && named(spans, 'RunActivity:runAction').length === 2 ? spans : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch((error: Error) => {
      const received = otlp.spans.map((span) => `${span.service} ${span.name} trace ${span.traceId.slice(0, 8)} parent ${span.parentSpanId.slice(0, 8)}`);
      throw new Error(`${error.message}; received:\n${received.join('\n')}\nprocess logs in ${logDir}`);
    });

    // Every span of this event is in this trace, and nothing of another event is.
    const ofEvent = otlp.spans.filter((span) => span === root || span.attributes.temporalWorkflowId === workflowId);
    expect(ofEvent.filter((span) => span.traceId !== root.traceId)).toEqual([]);
    expect(trace.filter((span) => span.attributes.temporalWorkflowId !== undefined && span.attributes.temporalWorkflowId !== workflowId)).toEqual([]);

    // One tree: a single root (the receiver's request span), every other span's parent in the trace.
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    expect(byId.size).toBe(trace.length);
    expect(trace.filter((span) => span.parentSpanId === '')).toEqual([root]);
    const chain = (span: ReceivedSpan): string[] => {
      const names = [span.name];
      for (let at = span; at.parentSpanId !== ''; ) {
        const parent = byId.get(at.parentSpanId);
        if (!parent) throw new Error(`span ${at.name} has a parent ${at.parentSpanId} outside the trace`);
        names.push(parent.name);
        at = parent;
      }
      return names;
    };
    for (const span of trace) expect(chain(span).at(-1)).toBe('POST /webhooks/:source');
    expect(root).toMatchObject({ service: 'hookflow-receiver', encoding: 'json', kind: 2 /* SERVER */ });
    expect(root.attributes).toMatchObject({ 'http.response.status_code': 200, 'hookflow.source': 'demo', 'hookflow.outcome': 'accepted' });

    // The workflow start is the request's child; the workflow, the start's; each attempt, the workflow's scheduling of the action.
    const [startSpan] = named(trace, 'StartWorkflow:processWebhook');
    expect(startSpan).toMatchObject({ parentSpanId: root.spanId, service: 'hookflow-receiver', attributes: expect.objectContaining({ temporalWorkflowId: workflowId }) });
    const [workflowSpan] = named(trace, 'RunWorkflow:processWebhook');
    expect(workflowSpan).toMatchObject({ parentSpanId: startSpan.spanId, service: 'hookflow-worker', encoding: 'protobuf' });
    const attempts = named(trace, 'RunActivity:runAction').sort((a, b) => Number(a.attributes['temporal.activity.attempt']) - Number(b.attributes['temporal.activity.attempt']));
    expect(attempts.map((span) => span.attributes['temporal.activity.attempt'])).toEqual([1, 2]);
    expect(attempts.map((span) => span.attributes['hookflow.action'])).toEqual(['handler:failOnce', 'handler:failOnce']);
    expect(attempts.map((span) => span.service)).toEqual(['hookflow-worker', 'hookflow-worker']);
    // Both attempts belong to the one StartActivity span of the action (Temporal retries it, the workflow schedules it once).
    expect(new Set(attempts.map((span) => span.parentSpanId)).size).toBe(1);
    expect(chain(attempts[0]).slice(1, 3)).toEqual(['StartActivity:runAction', 'RunWorkflow:processWebhook']);
    expect(otlp.strayRequests).toEqual([]);

    // Its log lines carry the trace ID: the receiver's line about the event, and the worker's about the failed attempt.
    const receiverLine = receiver.logs.find((line) => line.workflowId === workflowId);
    expect(receiverLine).toMatchObject({ trace_id: root.traceId });
    const failedAttempt = await waitUntil(
      'the worker to log the failed attempt',
      async () => worker.logs.find((line) => line.msg === 'Activity failed' && line.workflowId === workflowId),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(failedAttempt).toMatchObject({ trace_id: root.traceId, span_id: attempts[0].spanId, attempt: 1 });
  });

  test('with tracing off, the start carries no trace context and nothing is exported or logged with a trace ID', async () => {
    const off = { OTEL_EXPORTER_OTLP_ENDPOINT: '' };
    const receiver = await start('receiver', off);
    const worker = await start('worker', { ...off, HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath') });
    const { url } = (await receiver.waitForLog('receiver listening')) as { url: string };
    await worker.waitForLog('worker polling', 120_000);
    const before = otlp.spans.length;

    const workflowId = await send(url);
    await succeeded(workflowId);
    // The workflow ran untraced: Temporal's interceptors in its bundle stayed out of the way.
    expect(await startHeaders(workflowId)).not.toContain(TRACE_HEADER);
    await waitUntil(
      'the worker to log the failed attempt',
      async () => worker.logs.find((line) => line.msg === 'Activity failed' && line.workflowId === workflowId),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await stopAll(); // each would flush its spans on exit, had it any
    expect(otlp.spans.length).toBe(before);
    expect([...receiver.logs, ...worker.logs].filter((line) => 'trace_id' in line)).toEqual([]);
  });
});
