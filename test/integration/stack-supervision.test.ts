import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MongoClient, type Db } from 'mongodb';
import { freePort, isPortOpen } from '../../src/stack/free-port';
import { makeStackDir } from '../../src/stack/paths';
import { waitUntil } from '../../src/stack/wait-until';
import { redeliverUnacknowledged, sendStream, type SentEvent } from '../harness/event-stream';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { isRunning, startStackProcess, type StackProcess } from '../harness/start-stack-process';
import { testEnv } from '../harness/test-env';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const log = (line: string) => process.stderr.write(`[stack-supervision] ${line}\n`);

/** A config for `hookflow start`: the demo source, the counting handler, short heartbeats. */
function writeConfig(dir: string, port: number, database: string, handlers: string): string {
  const file = path.join(dir, 'hookflow.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      server: { port, retryAfterSeconds: 1 },
      worker: { port: 0 },
      temporal: { taskQueue: database },
      mongodb: { database },
      handlers,
      sources: { demo: DEMO_SOURCE },
      routes: [
        {
          source: 'demo',
          actions: [{ handler: 'countOnce' }],
          // A killed worker's attempts run again once its heartbeat is missed.
          retry: { heartbeatTimeoutMs: 5_000, initialIntervalMs: 200, maximumIntervalMs: 2_000 },
        },
      ],
    }),
  );
  return file;
}

/** Every process seen under the stack has ended (tsx's esbuild helper notices its parent is gone a moment later). */
async function expectAllGone(pids: Set<number>): Promise<void> {
  await waitUntil('every process of the stack to end', async () => ([...pids].some(isRunning) ? undefined : true), {
    timeoutMs: 10_000,
  }).catch(() => undefined);
  expect([...pids].filter(isRunning)).toEqual([]);
}

/** The receiver's hookflow_stack_restarts_total for one process. */
async function restartsOf(receiverUrl: string, process: string): Promise<number | undefined> {
  const text = await (await fetch(`${receiverUrl}/metrics`)).text();
  const match = new RegExp(`^hookflow_stack_restarts_total\\{process="${process}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * `hookflow start` keeps serving when one of its processes dies (issue #17): each test SIGKILLs
 * one process of a running stack, as a crash or the OOM killer would, under a stream of signed
 * events, and checks that the stack restarts it, counts it, and loses nothing acknowledged.
 * The stack runs its own Temporal and MongoDB-protocol servers (it kills one), on free ports.
 */
describe('hookflow start --workers 2 restarts a process that dies, and the others keep serving', () => {
  jest.setTimeout(240_000);
  const dir = makeStackDir(os.tmpdir(), 'hookflow-supervision-');
  const database = `supervision_${Date.now().toString(36)}`;
  let stack: StackProcess;
  let receiverUrl = '';
  let mongo: MongoClient;
  let db: Db;
  let temporal: Client;
  const seen = new Set<number>();

  beforeAll(async () => {
    const [port, temporalPort, uiPort, mongoPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    receiverUrl = `http://127.0.0.1:${port}`;
    const { TEMPORAL_ADDRESS: _t, MONGODB_URI: _m, ...inherited } = process.env;
    stack = startStackProcess(['--workers', '2'], {
      ...inherited,
      HOOKFLOW_CONFIG: writeConfig(dir, port, database, path.join(FIXTURES, 'counting-handlers.ts')),
      HOOKFLOW_DATA_DIR: dir,
      HOOKFLOW_TEMPORAL_PORT: String(temporalPort),
      HOOKFLOW_TEMPORAL_UI_PORT: String(uiPort),
      HOOKFLOW_MONGO_PORT: String(mongoPort),
      HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath'),
      MONGODB_DATABASE: database, // for the counting handler, which stands in for user code
    });
    await stack.waitForOutput(/hookflow is running/, 200_000);
    mongo = new MongoClient(`mongodb://127.0.0.1:${mongoPort}/`, { serverSelectionTimeoutMS: 30_000 });
    db = mongo.db(database);
    temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${temporalPort}` }) });
    for (const pid of stack.descendants()) seen.add(pid);
  }, 240_000);

  afterAll(async () => {
    // What the stack printed, kept beside its data and logs for a failed run.
    if (stack) writeFileSync(path.join(dir, 'stack-output.log'), stack.output());
    await temporal?.connection.close();
    await mongo?.close();
    if (stack?.child.exitCode === null) {
      stack.child.kill('SIGKILL');
      for (const pid of stack.descendants()) process.kill(pid, 'SIGKILL');
    }
  });

  /** Every acknowledged event ended succeeded, with one document, one completed workflow and one side effect. */
  async function expectEachSucceededOnce(name: string, events: SentEvent[]): Promise<void> {
    const ids = events.map((e) => `demo:${e.id}`);
    const succeeded = () => db.collection('events').countDocuments({ _id: { $in: ids } as never, status: 'succeeded' });
    await waitUntil(`${name}: every event to succeed`, async () => ((await succeeded()) === events.length ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 500,
    }).catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${await succeeded()} of ${events.length}`);
    });
    const documents = await db.collection('events').countDocuments({ eventId: { $in: events.map((e) => e.id) } });
    const effects = await db.collection('effects').countDocuments({ _id: { $in: ids.map((id) => `${id}/handler:countOnce`) } as never });
    // The document says succeeded a moment before the workflow closes: wait for Temporal too.
    const completedOnce = await waitUntil(
      `${name}: every workflow to complete, once`,
      async () => {
        const completions = new Map<string, number>();
        const query = `ExecutionStatus = "Completed" AND HookflowSource = "demo"`;
        for await (const execution of temporal.workflow.list({ query })) {
          completions.set(execution.workflowId, (completions.get(execution.workflowId) ?? 0) + 1);
        }
        const once = ids.filter((id) => completions.get(id) === 1).length;
        return once === ids.length || ids.some((id) => (completions.get(id) ?? 0) > 1) ? once : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch(() => -1);
    const figures = { sent: events.length, acknowledgedFirstTime: events.filter((e) => e.sends === 1).length, documents, effects, completedOnce };
    process.stdout.write(`supervision "${name}": ${JSON.stringify(figures)}\n`);
    expect(figures).toMatchObject({ documents: events.length, effects: events.length, completedOnce: events.length });
  }

  /** A stream of `count` signed events that SIGKILLs `victim` once `killAt` have been sent. */
  /**
   * /readyz sampled every 100 ms, each request on its own, from before a kill: the gap a restart
   * leaves is about a second, and one /readyz may take up to its 2 s ping bound while a server
   * is down, so polling one request after another can miss the gap on a fast machine.
   */
  function sampleReadyz(server: string): { seen: () => { down?: string[] } | undefined; stop: () => void } {
    let seen: { down?: string[] } | undefined;
    const timer = setInterval(() => {
      void fetch(`${receiverUrl}/readyz`)
        .then(async (response) => {
          const body = (await response.json()) as { down?: string[] };
          if (response.status === 503 && body.down?.includes(server)) seen ??= body;
        })
        .catch(() => undefined);
    }, 100);
    return { seen: () => seen, stop: () => clearInterval(timer) };
  }

  async function streamKilling(victim: string, count: number, killAt: number): Promise<{ events: Promise<SentEvent[]>; killedAt: number }> {
    const pid = stack.pidOf(victim);
    let killedAt: number | undefined;
    const events = sendStream(() => receiverUrl, count, 6, (n) => {
      if (n !== killAt) return;
      process.kill(pid, 'SIGKILL');
      killedAt = Date.now();
      log(`SIGKILLed ${victim} (pid ${pid}) after ${n} events`);
    });
    await waitUntil('the stream to reach the kill', async () => killedAt, { timeoutMs: 30_000, intervalMs: 50 });
    return { events, killedAt: killedAt! };
  }

  test('a worker SIGKILLed mid-stream: the receiver keeps answering 200, the worker is back within the backoff, each event succeeds once', async () => {
    const { events, killedAt } = await streamKilling('worker 1', 30, 10);
    await stack.waitForOutput(/worker 1 exited \(signal SIGKILL\) after [\d.]+ s; starting it again in 1 s/, 10_000);
    await stack.waitForOutput(/worker 1 is back \(pid \d+\), 1 restart so far/, 30_000);
    const backAfter = Date.now() - killedAt;
    const sent = await events;
    // The receiver never depended on the worker: every event was acknowledged at the first try.
    expect(sent.map((e) => e.status)).toEqual(sent.map(() => 200));
    await expectEachSucceededOnce('worker SIGKILL', sent);
    expect(stack.pidOf('worker 1')).not.toBe(stack.pidOf('worker 2'));
    expect(await restartsOf(receiverUrl, 'worker-1')).toBe(1);
    expect(await restartsOf(receiverUrl, 'worker-2')).toBe(0);
    log(`worker 1 back ${backAfter} ms after the kill`);
    expect(backAfter).toBeLessThan(30_000);
  });

  test('the receiver SIGKILLed mid-stream: requests in the gap fail and are re-sent, the receiver is back, nothing acknowledged is lost', async () => {
    const { events } = await streamKilling('receiver', 30, 8);
    await stack.waitForOutput(/receiver exited \(signal SIGKILL\) after [\d.]+ s; starting it again in 1 s/, 10_000);
    await stack.waitForOutput(/receiver is back \(pid \d+\), 1 restart so far/, 30_000);
    const sent = await events;
    const refused = sent.filter((e) => e.status !== 200).length;
    log(`${refused} of ${sent.length} requests failed while the receiver was down`);
    expect(refused).toBeGreaterThan(0);
    await redeliverUnacknowledged(() => receiverUrl, sent);
    await expectEachSucceededOnce('receiver SIGKILL', sent);
    // The new receiver reads the stack's counts: its own restart is on its /metrics.
    expect(await restartsOf(receiverUrl, 'receiver')).toBe(1);
    expect(await restartsOf(receiverUrl, 'worker-1')).toBe(1);
  });

  test('FerretDB SIGKILLed mid-stream: /readyz names it while it is down, it is back on its data, each event succeeds once', async () => {
    const before = await db.collection('events').countDocuments({});
    // The stack restarts it after 1 s: /readyz names it in that gap, whether or not a ping to it has failed yet.
    const sampler = sampleReadyz('ferretdb');
    const { events } = await streamKilling('FerretDB', 30, 10);
    const readyz = await waitUntil('/readyz to report FerretDB down', async () => sampler.seen(), { timeoutMs: 15_000, intervalMs: 50 }).finally(
      sampler.stop,
    );
    expect(readyz.down).not.toContain('temporal');
    await stack.waitForOutput(/FerretDB exited \(signal SIGKILL\) after [\d.]+ s; starting it again in 1 s/, 10_000);
    await stack.waitForOutput(/FerretDB is back \(pid \d+\), 1 restart so far/, 60_000);
    const sent = await events;
    await redeliverUnacknowledged(() => receiverUrl, sent);
    await expectEachSucceededOnce('FerretDB SIGKILL', sent);
    // On its own data: what was stored before the kill is still there.
    expect(await db.collection('events').countDocuments({})).toBeGreaterThanOrEqual(before + sent.length);
    expect(await restartsOf(receiverUrl, 'ferretdb')).toBe(1);
  });

  test('Temporal SIGKILLed mid-stream: /readyz names it, deliveries wait for it within the ack timeout or get 503 with Retry-After, it is back on its database, each event succeeds once', async () => {
    const sampler = sampleReadyz('temporal');
    const { events } = await streamKilling('Temporal', 30, 10);
    const readyz = await waitUntil('/readyz to report Temporal down', async () => sampler.seen(), { timeoutMs: 15_000, intervalMs: 50 }).finally(
      sampler.stop,
    );
    expect(readyz.down).not.toContain('ferretdb');
    // A delivery now waits up to server.ackTimeoutMs for Temporal: refused with when to come back,
    // or accepted if Temporal was back within that time. Never acknowledged without Temporal.
    const probe: SentEvent = { ...demoEvent(), status: -1, sends: 1 };
    const answer = await fetch(`${receiverUrl}/webhooks/demo`, { method: 'POST', body: probe.body, headers: hmacHeaders(probe.body, 'test-secret') });
    probe.status = answer.status;
    log(`a delivery while Temporal was down: ${answer.status}, Retry-After ${answer.headers.get('retry-after')}`);
    expect([[503, '1'], [200, null]]).toContainEqual([answer.status, answer.headers.get('retry-after')]);
    await stack.waitForOutput(/Temporal exited \(signal SIGKILL\) after [\d.]+ s; starting it again in 1 s/, 10_000);
    await stack.waitForOutput(/Temporal is back \(pid \d+\), 1 restart so far/, 90_000);
    const sent = [...(await events), probe];
    const unavailable = sent.filter((e) => e.status === 503).length;
    log(`${unavailable} of ${sent.length} requests answered 503 while Temporal was down`);
    expect(sent.filter((e) => e.status !== 200 && e.status !== 503)).toEqual([]); // the receiver itself kept answering
    await redeliverUnacknowledged(() => receiverUrl, sent);
    await expectEachSucceededOnce('Temporal SIGKILL', sent);
    expect(await restartsOf(receiverUrl, 'temporal')).toBe(1);
  });

  test('SIGTERM stops every process, restarted ones included, and leaves nothing running', async () => {
    for (const pid of stack.descendants()) seen.add(pid);
    stack.child.kill('SIGTERM');
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain('stopped; nothing left running');
    await expectAllGone(seen);
    expect(await isPortOpen(Number(new URL(receiverUrl).port))).toBe(false);
  }, 90_000);
});

describe('hookflow start with a worker that fails at start every time', () => {
  // Five starts of a worker: seconds each on an idle machine, far more under load.
  jest.setTimeout(300_000);

  test('the stack stops after 5 tries, names the worker, shows its last lines and the fix, and leaves nothing running', async () => {
    const dir = makeStackDir(os.tmpdir(), 'hookflow-supervision-bad-');
    const port = await freePort();
    const stack = startStackProcess(['--workers', '1'], {
      ...process.env,
      HOOKFLOW_CONFIG: writeConfig(dir, port, `supervision_bad_${Date.now().toString(36)}`, path.join(FIXTURES, 'throwing-handlers.ts')),
      HOOKFLOW_DATA_DIR: dir,
      // The shared test servers: this stack kills none of them.
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      MONGODB_URI: testEnv('mongoUri'),
      HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath'),
    });
    const seen = new Set<number>();
    const watch = setInterval(() => stack.descendants().forEach((pid) => seen.add(pid)), 200);
    try {
      expect(await stack.exited).toBe(1);
    } finally {
      clearInterval(watch);
      if (stack.child.exitCode === null) {
        for (const pid of stack.descendants()) process.kill(pid, 'SIGKILL');
        stack.child.kill('SIGKILL');
      }
    }
    const output = stack.output();
    expect(output).not.toContain('hookflow is running');
    const delays = [...output.matchAll(/worker 1 exited \(exit code 1\) after [\d.]+ s; starting it again in (\d+) s/g)].map((m) => Number(m[1]));
    expect(delays).toEqual([1, 2, 4, 8]);
    expect(output).toMatch(/worker 1 keeps failing: it failed at once 5 times in a row \(last: exit code 1\)/);
    expect(output).toContain('| hookflow: '); // its last lines, quoted
    expect(output).toContain('throwing-handlers fixture: this module fails on import');
    expect(output).toMatch(/fix: run `npm run worker` with the same HOOKFLOW_CONFIG/);
    expect(output).toContain('stopped; nothing left running');
    expect(seen.size).toBeGreaterThan(0);
    await expectAllGone(seen);
    expect(await isPortOpen(port)).toBe(false);
  });
});
