import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pino from 'pino';
import { CHECK_TIMEOUT_MS } from '../../src/health/create-readiness';
import { startOpsServer, type RunningOpsServer } from '../../src/health/start-ops-server';
import { PermanentError } from '../../src/handlers/permanent-error';
import { createWorkerMetrics, type WorkerMetrics } from '../../src/metrics/create-worker-metrics';
import { readTaskQueueBacklog } from '../../src/metrics/read-task-queue-backlog';
import { startReceiver, type RunningReceiver } from '../../src/receiver/start-receiver';
import { freePort, isPortOpen } from '../../src/stack/free-port';
import { startTemporalServer, type RunningServer } from '../../src/stack/temporal-server';
import { waitUntil } from '../../src/stack/wait-until';
import { createBodyStore } from '../../src/store/body-store';
import { createNonceStore } from '../../src/store/nonce-store';
import { openStore, type Store } from '../../src/store/open-store';
import { createWorkerOps, workerPhase } from '../../src/worker/create-worker-ops';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { testEnv } from '../harness/test-env';
import { createTestStack, type TestStack } from '../harness/test-stack';

const ROOT = path.resolve(__dirname, '../..');
const quiet = pino({ level: 'silent' });

interface Scrape {
  readonly text: string;
  /** A sample's value by name and exact label set; undefined when there is no such sample. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

/** Fetch /metrics and parse the Prometheus text format into samples. */
async function scrape(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    samples.set(sampleKey(match[1], labels), Number(match[3]));
  }
  return { text, value: (name, labels = {}) => samples.get(sampleKey(name, labels)) };
}

function sampleKey(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',')}}`;
}

/** Each family is declared once: Prometheus rejects the whole scrape otherwise. */
function declaredTwice(text: string): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const line of text.split('\n')) {
    const declared = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (!declared) continue;
    const key = `${declared[1]} ${declared[2]}`;
    if (seen.has(key)) twice.push(key);
    seen.add(key);
  }
  return twice;
}

async function getJson(url: string): Promise<{ status: number; json: any }> {
  const response = await fetch(url);
  return { status: response.status, json: await response.json() };
}

/**
 * The receiver's and a worker's /healthz, /readyz and /metrics over real HTTP. This suite stops
 * Temporal, so it runs its own dev server (as temporal-outage.test.ts does); the worker runs in
 * this process with its operations server, built as `hookflow worker` builds them.
 */
describe('receiver and worker: health, readiness and metrics', () => {
  let temporal: RunningServer;
  let temporalPort: number;
  let stack: TestStack;
  let opsConnection: Connection;
  let workerMetrics: WorkerMetrics;
  let workerOps: RunningOpsServer;
  const dbFile = path.join(testEnv('dir'), `health-${process.pid}.sqlite`);
  const startTemporal = () =>
    startTemporalServer({ port: temporalPort, dbFile, logFile: `${dbFile}.log`, log: (l) => process.stderr.write(`${l}\n`) });
  const receiverUrl = () => stack.receiver.url;
  const post = (body: string, secret = 'test-secret', source = 'demo') => stack.post(`/webhooks/${source}`, body, hmacHeaders(body, secret));

  beforeAll(async () => {
    temporalPort = await freePort();
    temporal = await startTemporal();
    // The worker's own client connection, as in run-worker: readiness and the backlog gauge.
    opsConnection = Connection.lazy({ address: temporal.address });
    workerMetrics = createWorkerMetrics({
      backlog: () => readTaskQueueBacklog(opsConnection, 'default', stack.config.temporal.taskQueue, CHECK_TIMEOUT_MS),
    });
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE, metered: DEMO_SOURCE },
      routes: [
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'ok' }] },
        { source: 'demo', events: ['flaky.*'], actions: [{ handler: 'flaky' }] },
        { source: 'demo', events: ['broken.*'], actions: [{ handler: 'broken' }] },
        { source: 'metered', actions: [{ handler: 'ok' }] },
      ],
      handlers: {
        ok: () => 'done',
        flaky: (_event, { attempt }) => {
          if (attempt === 1) throw new Error('the first attempt fails');
          return 'done';
        },
        broken: () => {
          throw new PermanentError('this event cannot be handled');
        },
      },
      temporalAddress: temporal.address,
      workerMetrics,
    });
    workerOps = await startOpsServer(
      createWorkerOps({
        connection: opsConnection,
        db: stack.store.db,
        metrics: workerMetrics,
        phase: () => workerPhase(stack.currentWorker()),
        logger: quiet,
      }),
      '127.0.0.1',
      0,
      quiet,
    );
  });

  afterAll(async () => {
    await workerOps?.close();
    await stack?.close();
    await opsConnection?.close();
    await temporal?.stop();
  });

  test('GET /healthz answers 200 {"status":"ok"} on the receiver and on the worker', async () => {
    for (const url of [receiverUrl(), workerOps.url]) {
      expect(await getJson(`${url}/healthz`)).toEqual({ status: 200, json: { status: 'ok' } });
    }
  });

  test('GET /readyz answers 200 with Temporal and MongoDB up, on the receiver and on the worker', async () => {
    const ready = { status: 'ready', checks: { temporal: { status: 'up' }, mongodb: { status: 'up' } } };
    for (const url of [receiverUrl(), workerOps.url]) {
      expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, json: ready });
    }
  });

  // The first test to send events: every count it reads comes from its own four.
  test('worker /metrics counts events by final status, each action attempt, and retries', async () => {
    const before = await scrape(workerOps.url);
    const events = {
      ok: demoEvent('order.paid'),
      flaky: demoEvent('flaky.once'),
      broken: demoEvent('broken.always'),
      ignored: demoEvent('unrouted.event'),
    };
    for (const event of Object.values(events)) expect((await post(event.body)).json.status).toBe('accepted');
    await stack.waitForStatus(`demo:${events.ok.id}`, 'succeeded');
    await stack.waitForStatus(`demo:${events.flaky.id}`, 'succeeded');
    await stack.waitForStatus(`demo:${events.broken.id}`, 'failed');
    await stack.waitForStatus(`demo:${events.ignored.id}`, 'ignored');

    const increase = (after: Scrape, name: string, labels: Record<string, string>) =>
      (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    const processed = (after: Scrape, status: string) => increase(after, 'hookflow_events_processed_total', { status });
    // Metrics follow each MongoDB write in the worker: wait for the last of them, then compare.
    const after = await waitUntil(
      'the worker metrics of four events',
      async () => {
        const now = await scrape(workerOps.url);
        return processed(now, 'succeeded') + processed(now, 'failed') + processed(now, 'ignored') >= 4 ? now : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(processed(after, 'succeeded')).toBe(2);
    expect(processed(after, 'failed')).toBe(1);
    expect(processed(after, 'ignored')).toBe(1);
    expect(processed(after, 'cancelled')).toBe(0);
    expect(processed(after, 'stale')).toBe(0);
    const attempts = (outcome: string) => increase(after, 'hookflow_action_duration_seconds_count', { kind: 'handler', outcome });
    expect(attempts('succeeded')).toBe(2); // ok, and flaky's second attempt
    expect(attempts('retrying')).toBe(1); // flaky's first attempt
    expect(attempts('failed')).toBe(1); // broken: PermanentError, not retried
    expect(increase(after, 'hookflow_action_retries_total', { kind: 'handler' })).toBe(1);
    expect(increase(after, 'hookflow_action_retries_total', { kind: 'forward' })).toBe(0);
    // Read from Temporal at scrape time, for both task types.
    expect(after.value('hookflow_task_queue_backlog', { type: 'workflow' })).toEqual(expect.any(Number));
    expect(after.value('hookflow_task_queue_backlog', { type: 'activity' })).toEqual(expect.any(Number));
    expect(declaredTwice(after.text)).toEqual([]);
  });

  test('receiver /metrics counts accepted, duplicate and badly signed deliveries and times each acknowledgement', async () => {
    const [first, second] = [demoEvent(), demoEvent()];
    expect((await post(first.body, 'test-secret', 'metered')).json.status).toBe('accepted');
    expect((await post(second.body, 'test-secret', 'metered')).json.status).toBe('accepted');
    expect((await post(first.body, 'test-secret', 'metered')).json.status).toBe('duplicate');
    expect((await post(demoEvent().body, 'wrong-secret', 'metered')).status).toBe(401);
    const unsigned = demoEvent().body;
    expect((await stack.post('/webhooks/metered', unsigned, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await stack.post('/webhooks/metered', unsigned, { 'content-type': 'text/plain' })).status).toBe(415);
    // An unknown source is the sender's choice of name: never a label.
    expect((await post(demoEvent().body, 'test-secret', 'no-such-source')).status).toBe(404);

    const metrics = await scrape(receiverUrl());
    const received = (outcome: string, status: string) =>
      metrics.value('hookflow_webhooks_received_total', { source: 'metered', outcome, status });
    expect(received('accepted', '200')).toBe(2);
    expect(received('duplicate', '200')).toBe(1);
    expect(received('rejected', '401')).toBe(2);
    expect(received('rejected', '415')).toBe(1);
    expect(metrics.value('hookflow_duplicate_webhooks_total', { source: 'metered' })).toBe(1);
    expect(metrics.value('hookflow_signature_failures_total', { source: 'metered', reason: 'no_matching_signature' })).toBe(1);
    expect(metrics.value('hookflow_signature_failures_total', { source: 'metered', reason: 'missing_signature' })).toBe(1);
    // Every 2xx answer is timed, from the start of the request to the acknowledgement.
    expect(metrics.value('hookflow_ack_latency_seconds_count', { source: 'metered' })).toBe(3);
    expect(metrics.value('hookflow_ack_latency_seconds_bucket', { source: 'metered', le: '+Inf' })).toBe(3);
    expect(metrics.text).not.toContain('no-such-source');
    expect(metrics.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(declaredTwice(metrics.text)).toEqual([]);
    // The counter behind /metrics is the one tests read directly.
    expect(stack.signatureFailures.snapshot()).toContainEqual({ source: 'metered', reason: 'no_matching_signature', count: 1 });
    // Let them finish, so the next tests see only their own work in the task queue.
    for (const event of [first, second]) await stack.waitForStatus(`metered:${event.id}`, 'succeeded');
  });

  test('the backlog gauge counts the workflow tasks waiting while no worker polls', async () => {
    await stack.stopWorker();
    const waiting = [demoEvent(), demoEvent()];
    try {
      for (const event of waiting) expect((await post(event.body)).json.status).toBe('accepted');
      // Temporal refreshes its estimate every few seconds, and it is an estimate: tasks of finished
      // workflows may still be counted until they reach the head of the queue, so it can read more.
      await waitUntil(
        'a backlog of at least two workflow tasks',
        async () => {
          const backlog = (await scrape(workerOps.url)).value('hookflow_task_queue_backlog', { type: 'workflow' });
          if (backlog === undefined || backlog < waiting.length) throw new Error(`the gauge reads ${backlog}`);
          return true;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      // No worker: not ready, whatever the dependencies say.
      expect(await getJson(`${workerOps.url}/readyz`)).toEqual({ status: 503, json: { status: 'starting' } });
    } finally {
      // The later tests need a worker whatever happened here.
      await stack.startWorker();
    }
    for (const event of waiting) await stack.waitForStatus(`demo:${event.id}`, 'succeeded');
  });

  test('Temporal stopped: both /readyz answer 503 naming it; once it is back, both are ready again', async () => {
    await temporal.stop();
    const down = {
      status: 'not_ready',
      down: ['temporal'],
      checks: { temporal: { status: 'down', reason: expect.stringMatching(/^(timeout|error)$/) }, mongodb: { status: 'up' } },
    };
    for (const url of [receiverUrl(), workerOps.url]) {
      const answer = await getJson(`${url}/readyz`);
      expect(answer).toEqual({ status: 503, json: down });
    }
    // The backlog cannot be read now: no sample rather than a stale one.
    expect((await scrape(workerOps.url)).value('hookflow_task_queue_backlog', { type: 'workflow' })).toBeUndefined();

    temporal = await startTemporal();
    for (const url of [receiverUrl(), workerOps.url]) {
      await waitUntil(`${url}/readyz to answer 200`, async () => ((await getJson(`${url}/readyz`)).status === 200 ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 250,
      });
    }
    // And events flow again end to end.
    const after = demoEvent();
    expect((await post(after.body)).status).toBe(200);
    await stack.waitForStatus(`demo:${after.id}`, 'succeeded', 60_000);
  }, 120_000);

  test('MongoDB unreachable: the receiver and the worker answer /readyz 503 naming it', async () => {
    const closedPort = await freePort();
    const unreachable: Store = await openStore(`mongodb://127.0.0.1:${closedPort}`, 'nowhere', { lazy: true });
    let receiver: RunningReceiver | undefined;
    let worker: RunningOpsServer | undefined;
    try {
      receiver = await startReceiver(
        {
          config: stack.config,
          temporal: stack.client,
          logger: quiet,
          nonces: createNonceStore(unreachable.nonces),
          bodies: createBodyStore(unreachable.bodies),
          db: unreachable.db,
        },
        '127.0.0.1',
        0,
      );
      worker = await startOpsServer(
        createWorkerOps({ connection: opsConnection, db: unreachable.db, metrics: workerMetrics, phase: () => 'running', logger: quiet }),
        '127.0.0.1',
        0,
        quiet,
      );
      for (const url of [receiver.url, worker.url]) {
        expect(await getJson(`${url}/readyz`)).toEqual({
          status: 503,
          json: {
            status: 'not_ready',
            down: ['mongodb'],
            checks: { temporal: { status: 'up' }, mongodb: { status: 'down', reason: expect.stringMatching(/^(timeout|error)$/) } },
          },
        });
        // Alive all the same: a restart would not bring MongoDB back.
        expect((await getJson(`${url}/healthz`)).status).toBe(200);
      }
    } finally {
      await receiver?.close();
      await worker?.close();
      await unreachable.close();
    }
  });
});

/**
 * `hookflow worker` as an operator runs it: its own process, config file and handlers module,
 * against the shared servers, with the receiver of a test stack on the same task queue.
 */
describe('`hookflow worker` process: metrics with the SDK, JSON logs, graceful shutdown', () => {
  let stack: TestStack;
  let child: ChildProcessWithoutNullStreams;
  let exited: Promise<number | null>;
  let workerUrl: string;
  let workerPort: number;
  let stderr = '';
  const lines: Record<string, any>[] = [];
  const notJson: string[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-worker-'));

  beforeAll(async () => {
    const routes = [
      { source: 'demo', events: ['order.*'], actions: [{ handler: 'ok' }] },
      { source: 'demo', events: ['broken.*'], actions: [{ handler: 'broken' }] },
      { source: 'demo', events: ['slow.*'], actions: [{ handler: 'slow' }] },
    ];
    stack = await createTestStack({ sources: { demo: DEMO_SOURCE }, routes, worker: false });
    // A user's handlers module: `slow` runs until the test releases it.
    writeFileSync(
      path.join(dir, 'handlers.js'),
      `const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
exports.handlers = {
  ok: () => 'done',
  broken: () => {
    const error = new Error('this event cannot be handled');
    error.name = 'PermanentError';
    throw error;
  },
  slow: async () => {
    fs.writeFileSync(path.join(${JSON.stringify(dir)}, 'started'), '');
    while (!fs.existsSync(path.join(${JSON.stringify(dir)}, 'release'))) await sleep(20);
    return 'released';
  },
};
`,
    );
    workerPort = await freePort();
    workerUrl = `http://127.0.0.1:${workerPort}`;
    const configPath = path.join(dir, 'hookflow.config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        temporal: { address: testEnv('temporalAddress'), taskQueue: stack.config.temporal.taskQueue },
        mongodb: { uri: testEnv('mongoUri'), database: stack.config.mongodb.database },
        worker: { port: workerPort },
        handlers: path.join(dir, 'handlers.js'),
        sources: { demo: DEMO_SOURCE },
        routes,
      }),
    );
    child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hookflow.js'), 'worker'], {
      cwd: ROOT,
      env: { ...process.env, HOOKFLOW_CONFIG: configPath, HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath'), HOOKFLOW_LOG_LEVEL: 'info' },
    });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          lines.push(JSON.parse(text) as Record<string, any>);
        } catch {
          notJson.push(text);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitUntil(
      `the worker process at ${workerUrl} to be ready`,
      async () => ((await fetch(`${workerUrl}/readyz`)).status === 200 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 250, abort: exited },
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\nstderr: ${stderr}\nstdout: ${[...lines.map((l) => JSON.stringify(l)), ...notJson].join('\n')}`);
    });
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await stack?.close();
  });

  test('/metrics serves hookflow metrics and the Temporal SDK runtime metrics in one valid exposition', async () => {
    const ok = demoEvent('order.paid');
    const broken = demoEvent('broken.always');
    for (const event of [ok, broken]) {
      const body = event.body;
      expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))).json.status).toBe('accepted');
    }
    await stack.waitForStatus(`demo:${ok.id}`, 'succeeded');
    await stack.waitForStatus(`demo:${broken.id}`, 'failed');

    const metrics = await waitUntil(
      'the worker process metrics of two events',
      async () => {
        const now = await scrape(workerUrl);
        return now.value('hookflow_events_processed_total', { status: 'failed' }) === 1 ? now : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(metrics.value('hookflow_events_processed_total', { status: 'succeeded' })).toBe(1);
    expect(metrics.value('hookflow_action_duration_seconds_count', { kind: 'handler', outcome: 'succeeded' })).toBe(1);
    expect(metrics.value('hookflow_action_duration_seconds_count', { kind: 'handler', outcome: 'failed' })).toBe(1);
    expect(metrics.text).toContain('# TYPE hookflow_task_queue_backlog gauge');
    expect(metrics.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    // The SDK's own exporter, appended: its pollers and task slots for this task queue.
    expect(metrics.text).toMatch(/^# TYPE temporal_\w+ /m);
    expect(metrics.text).toMatch(new RegExp(`^temporal_\\w+\\{[^}]*task_queue="${stack.config.temporal.taskQueue}"`, 'm'));
    expect(declaredTwice(metrics.text)).toEqual([]);
  });

  test("the SDK's log lines are hookflow's JSON lines, and an activity's carry its workflowId", async () => {
    // The SDK buffers its lines for up to 100 ms to order them with Core's.
    const broken = await waitUntil('the SDK to log the failed activity', async () => lines.find((line) => line.msg === 'Activity failed'), {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    expect(broken).toMatchObject({ name: 'hookflow-worker', level: 40, activityType: 'runAction', workflowId: expect.stringMatching(/^demo:/) });
    expect(broken!.err).toMatchObject({ message: expect.stringContaining('this event cannot be handled'), stack: expect.any(String) });
    expect(broken).not.toHaveProperty('taskToken');
    expect(lines.find((line) => line.msg === 'worker polling')).toMatchObject({ url: workerUrl });
    // Every line on stdout is JSON: Core's lines too are forwarded through pino.
    expect(notJson).toEqual([]);
  });

  test('SIGTERM: /readyz answers 503 while the running action finishes; then the server closes and the process exits 0', async () => {
    const slow = demoEvent('slow.job');
    expect((await stack.post('/webhooks/demo', slow.body, hmacHeaders(slow.body, 'test-secret'))).json.status).toBe('accepted');
    await waitUntil('the slow handler to start', async () => (existsSync(path.join(dir, 'started')) ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });

    child.kill('SIGTERM');
    await waitUntil(
      '/readyz to answer 503 shutting_down',
      async () => {
        const answer = await getJson(`${workerUrl}/readyz`);
        return answer.status === 503 && answer.json.status === 'shutting_down' ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect((await getJson(`${workerUrl}/healthz`)).status).toBe(200); // alive while it drains

    writeFileSync(path.join(dir, 'release'), '');
    expect(await exited).toBe(0);
    expect(await isPortOpen(workerPort)).toBe(false);
    expect(lines.at(-1)).toMatchObject({ msg: 'worker stopped' });
    // The action it held finished and Temporal has its result: the draining worker completed it.
    const history = (await stack.client.workflow.getHandle(`demo:${slow.id}`).fetchHistory()).events ?? [];
    expect(history.filter((e) => e.activityTaskCompletedEventAttributes).length).toBe(1);
    // The workflow records the outcome (it is the document's only writer) on the next worker.
    await stack.startWorker();
    await stack.waitForStatus(`demo:${slow.id}`, 'succeeded');
  }, 60_000);
});
