import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setPaused } from '../../src/controls/set-paused';
import { waitUntil } from '../../src/stack/wait-until';
import { explainUnfinished } from '../harness/explain-unfinished';
import { keepLogs, startHookflowProcess, writeProcessConfig, type HookflowProcess } from '../harness/hookflow-process';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';
import { testEnv } from '../harness/test-env';
import { busiestWindow, startThroughputDestination, type ThroughputDestination } from '../harness/throughput-destination';

const SOURCE_SECRET = randomBytes(24).toString('hex');
const SOURCE = { ...DEMO_SOURCE, secrets: [SOURCE_SECRET] };
const DESTINATION_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** Post every event, at most 8 at a time, sending again what was not answered 200 (as a provider would). */
async function sendAll(stack: TestStack, count: number, type = 'order.paid'): Promise<string[]> {
  const events = Array.from({ length: count }, () => demoEvent(type));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < events.length) {
        const { body } = events[next++];
        for (let tries = 0; ; tries++) {
          const answer = await stack.post('/webhooks/demo', body, hmacHeaders(body, SOURCE_SECRET)).catch(() => ({ status: 0 }));
          if (answer.status === 200) break;
          if (tries === 5) throw new Error(`the receiver answered ${answer.status} five times`);
        }
      }
    }),
  );
  return events.map((e) => `demo:${e.id}`);
}

async function allSucceeded(stack: TestStack, workflowIds: string[], timeoutMs: number): Promise<void> {
  let counts = '';
  try {
    await waitUntil(
      `${workflowIds.length} events to succeed`,
      async () => {
        const docs = await stack.store.events.find({ _id: { $in: workflowIds } }, { projection: { status: 1 } }).toArray();
        const by: Record<string, number> = {};
        for (const d of docs) by[d.status] = (by[d.status] ?? 0) + 1;
        counts = JSON.stringify(by);
        return by.succeeded === workflowIds.length || undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );
  } catch (error) {
    const report = await explainUnfinished({ events: stack.store.events, client: stack.client, workflowIds });
    throw new Error(`${(error as Error).message}; statuses ${counts}\n${report}`);
  }
}

/** Every forward recorded succeeded with exactly one attempt: throttling spent none. */
async function attemptsOf(stack: TestStack, workflowIds: string[], action = 'forward:crm'): Promise<number[]> {
  const docs = await stack.store.events.find({ _id: { $in: workflowIds } }, { projection: { actions: 1 } }).toArray();
  return docs.map((d) => d.actions[action]?.attempts ?? -1);
}

/**
 * The most a 2 s window may hold at `perSecond`: two seconds' worth plus one burst. Temporal's
 * limiter is a token bucket per task queue partition (4 by default), each refilled at a quarter
 * of the rate and holding at most its quarter rounded up: after an idle spell the whole bucket,
 * `4 × ceil(perSecond / 4)`, goes at once, and a bucket of B admits at most B + rate × T in any T.
 */
function twoSecondBound(perSecond: number): number {
  return perSecond * 2 + burst(perSecond);
}
function burst(perSecond: number): number {
  return 4 * Math.ceil(perSecond / 4);
}
/** The least time `count` forwards can take at `perSecond`: all but one burst at the rate. */
function leastSpanMs(count: number, perSecond: number): number {
  return ((count - burst(perSecond)) / perSecond) * 1000;
}

/** How many times each forward arrived, by its webhook-id. */
function arrivalsPerForward(destination: ThroughputDestination): Map<string, number> {
  const per = new Map<string, number>();
  for (const a of destination.arrivals) per.set(a.id, (per.get(a.id) ?? 0) + 1);
  return per;
}

/**
 * Issue #13, destination throughput: `rateLimit.perSecond` (Temporal's task queue rate limit on
 * the destination's own queue) and `maxConcurrency` (permits from the destination's permits
 * workflow), on the real stack: receiver, Temporal, MongoDB-protocol server, workers, HTTP.
 */
describe('destination limits with one in-process worker', () => {
  jest.setTimeout(120_000);
  let destination: ThroughputDestination;
  let stack: TestStack | undefined;

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    await destination?.close();
  });

  test('waiting for a permit spends no attempt and no timeout: 12 forwards one at a time, each 300 ms, under a 3 s schedule-to-close, all succeed on attempt 1', async () => {
    destination = await startThroughputDestination(DESTINATION_SECRET, 300);
    stack = await createTestStack({
      sources: { demo: SOURCE },
      destinations: { crm: { url: `${destination.url}/crm`, secrets: [DESTINATION_SECRET], timeoutMs: 1_000, maxConcurrency: 1 } },
      routes: [{ source: 'demo', events: ['*'], actions: [{ forward: 'crm' }] }],
      // Serially the 12 take over 3.6 s: were the wait for a permit inside the action, the last would time out.
      retry: { maximumAttempts: 1, startToCloseMs: 2_000, scheduleToCloseMs: 3_000 },
    });
    const started = Date.now();
    const ids = await sendAll(stack, 12);
    await allSucceeded(stack, ids, 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(12 * 300);
    expect(destination.maxInFlight()).toBe(1);
    expect(await attemptsOf(stack, ids)).toEqual(ids.map(() => 1));
    expect([...arrivalsPerForward(destination).values()]).toEqual(ids.map(() => 1));
    expect(destination.arrivals.every((a) => a.verified)).toBe(true);
  });

  test('an event cancelled while waiting for a permit leaves the queue unattempted; a holder terminated mid-request gets its permit taken back', async () => {
    // The first forward hangs for 90 s; the others are answered at once.
    destination = await startThroughputDestination(DESTINATION_SECRET, (index) => (index === 0 ? 90_000 : 0));
    stack = await createTestStack({
      sources: { demo: SOURCE },
      destinations: { crm: { url: `${destination.url}/crm`, secrets: [DESTINATION_SECRET], timeoutMs: 100_000, maxConcurrency: 1 } },
      routes: [{ source: 'demo', events: ['*'], actions: [{ forward: 'crm' }] }],
      retry: { startToCloseMs: 120_000 },
    });
    const [holder] = await sendAll(stack, 1);
    await waitUntil('the first forward to be in flight', async () => destination.arrivals.length === 1 || undefined, { timeoutMs: 30_000, intervalMs: 100 });
    const [cancelled, waiter] = await sendAll(stack, 2);
    await waitUntil(
      'both to be recorded and waiting',
      async () => (await stack!.store.events.countDocuments({ _id: { $in: [cancelled, waiter] }, status: 'processing' })) === 2 || undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    await stack.client.workflow.getHandle(cancelled).cancel();
    const gone = await stack.waitForStatus(cancelled, 'cancelled');
    expect(gone.actions['forward:crm']).toMatchObject({ status: 'cancelled', attempts: 0 });

    // Terminated, its run never releases: the permits workflow finds it closed and frees its permit.
    const terminatedAt = Date.now();
    await stack.client.workflow.getHandle(holder).terminate('test: a holder that never releases');
    const done = await stack.waitForStatus(waiter, 'succeeded', 60_000);
    expect(done.actions['forward:crm']).toMatchObject({ status: 'succeeded', attempts: 1 });
    const arrived = destination.arrivals.find((a) => a.id === `${waiter}/forward:crm`)!;
    process.stdout.write(`destination limits: a terminated holder's permit came back after ${arrived.at - terminatedAt} ms\n`);
    // Long before the hanging request would have been answered (90 s): the permit was taken back.
    expect(arrived.at - terminatedAt).toBeLessThan(60_000);
    expect(destination.arrivals.map((a) => a.id)).toEqual([`${holder}/forward:crm`, `${waiter}/forward:crm`]);
  });

  test('a paused destination with a rate limit: on resume its 40 held forwards drain at 5/s, each once, on attempt 1', async () => {
    destination = await startThroughputDestination(DESTINATION_SECRET, 0);
    stack = await createTestStack({
      sources: { demo: SOURCE },
      destinations: { crm: { url: `${destination.url}/crm`, secrets: [DESTINATION_SECRET], rateLimit: { perSecond: 5 } } },
      routes: [{ source: 'demo', events: ['*'], actions: [{ forward: 'crm' }] }],
    });
    const deps = { controls: stack.store.controls, events: stack.store.events, temporal: stack.client };
    await setPaused(deps, 'destination', 'crm', true, 'maintenance', new Date());
    const ids = await sendAll(stack, 40);
    await waitUntil(
      'all 40 forwards to be held',
      async () => (await stack!.store.events.countDocuments({ _id: { $in: ids }, 'actions.forward:crm.status': 'held' } as never)) === 40 || undefined,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(destination.arrivals).toEqual([]);

    const resumedAt = Date.now();
    expect(await setPaused(deps, 'destination', 'crm', false, undefined, new Date())).toMatchObject({ paused: false, signalled: 40 });
    await allSucceeded(stack, ids, 60_000);
    const spanMs = Math.max(...destination.arrivals.map((a) => a.at)) - resumedAt;
    const busiest = busiestWindow(destination.arrivals, 2_000);
    process.stdout.write(`destination limits: 40 held forwards drained in ${spanMs} ms after resume at 5/s; busiest 2 s window ${busiest}\n`);
    expect(busiest).toBeLessThanOrEqual(twoSecondBound(5));
    expect(spanMs).toBeGreaterThanOrEqual(leastSpanMs(40, 5));
    expect(await attemptsOf(stack, ids)).toEqual(ids.map(() => 1));
    expect([...arrivalsPerForward(destination).values()]).toEqual(ids.map(() => 1));
  });
});

/**
 * The measure: three worker processes, as operators run them, share one destination
 * limited to 10 forwards a second and 3 at once; 200 events. Each limit is enforced outside any
 * one process (Temporal's matching service, the permits workflow), so it holds for all three.
 */
describe('destination limits across three worker processes', () => {
  jest.setTimeout(300_000);
  let destination: ThroughputDestination;
  let stack: TestStack;
  let workers: HookflowProcess[] = [];
  let logDir = '';

  beforeAll(async () => {
    // Each answer takes 100 ms: 3 at once could take up to 30 a second were it not for the rate limit.
    destination = await startThroughputDestination(DESTINATION_SECRET, 100);
    const destinations = {
      crm: { url: `${destination.url}/crm`, secrets: [DESTINATION_SECRET], rateLimit: { perSecond: 10 }, maxConcurrency: 3 },
      // The rate limit alone, so that it, not the permits, is what holds the pace.
      bulk: { url: `${destination.url}/bulk`, secrets: [DESTINATION_SECRET], rateLimit: { perSecond: 10 } },
    };
    const routes = [
      { source: 'demo', events: ['order.*'], actions: [{ forward: 'crm' }] },
      { source: 'demo', events: ['bulk.*'], actions: [{ forward: 'bulk' }] },
    ];
    stack = await createTestStack({ sources: { demo: SOURCE }, destinations, routes, worker: false });
    logDir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-limits-'));
    const configPath = writeProcessConfig(logDir, stack.config, {
      handlers: path.resolve(__dirname, '../fixtures/counting-handlers.ts'),
      sources: { demo: SOURCE },
      destinations,
      routes,
    });
    const env = { MONGODB_URI: testEnv('mongoUri'), MONGODB_DATABASE: stack.config.mongodb.database, HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath') };
    workers = Array.from({ length: 3 }, () => keepLogs(logDir, startHookflowProcess('worker', configPath, env)));
    await Promise.all(workers.map((w) => w.waitForLog('worker polling')));
  });

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await stack?.close();
    await destination?.close();
  });

  test('200 events to a destination limited to 10/s and 3 at once: any 2 s holds at most 2 s at 10/s plus one burst, never more than 3 in flight, each forward arrives once', async () => {
    const ids = await sendAll(stack, 200);
    await allSucceeded(stack, ids, 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\nworker logs in ${logDir}`);
    });
    const times = destination.arrivals.map((a) => a.at);
    const spanMs = Math.max(...times) - Math.min(...times);
    const busiest = busiestWindow(destination.arrivals, 2_000);
    process.stdout.write(
      `destination limits: 3 workers, 200 forwards in ${spanMs} ms (${((200 * 1000) / spanMs).toFixed(1)}/s); busiest 2 s window ${busiest} (bound ${twoSecondBound(10)}); at most ${destination.maxInFlight()} in flight\n`,
    );
    expect(busiest).toBeLessThanOrEqual(twoSecondBound(10));
    expect(destination.maxInFlight()).toBeLessThanOrEqual(3);
    expect(spanMs).toBeGreaterThanOrEqual(leastSpanMs(200, 10));
    const per = arrivalsPerForward(destination);
    expect(per.size).toBe(200);
    expect([...per.keys()].sort()).toEqual(ids.map((id) => `${id}/forward:crm`).sort());
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(destination.arrivals.every((a) => a.verified)).toBe(true);
    // Waiting for the rate or a permit spent no attempt; a dispatch the dev server loses under
    // load may (see the rate-alone test below), and is reported rather than failed on.
    const attempts = await attemptsOf(stack, ids);
    process.stdout.write(`destination limits: 10/s and 3 at once, forwards on a second attempt: ${attempts.filter((n) => n > 1).length} of 200\n`);
    expect(attempts.every((n) => n >= 1 && n <= 2)).toBe(true);
  });

  test('100 events to a destination limited to 10/s alone: the three workers together keep to it, each forward arrives once', async () => {
    destination.arrivals.length = 0;
    const ids = await sendAll(stack, 100, 'bulk.created');
    await allSucceeded(stack, ids, 120_000);
    const arrivals = destination.arrivals.filter((a) => a.id.endsWith('/forward:bulk'));
    const times = arrivals.map((a) => a.at);
    const spanMs = Math.max(...times) - Math.min(...times);
    const busiest = busiestWindow(arrivals, 2_000);
    process.stdout.write(
      `destination limits: 3 workers, 100 forwards at 10/s alone in ${spanMs} ms (${((100 * 1000) / spanMs).toFixed(1)}/s); busiest 2 s window ${busiest} (bound ${twoSecondBound(10)}); at most ${Math.max(...arrivals.map((a) => a.inFlight))} in flight\n`,
    );
    expect(busiest).toBeLessThanOrEqual(twoSecondBound(10));
    expect(spanMs).toBeGreaterThanOrEqual(leastSpanMs(100, 10));
    expect(new Set(arrivals.map((a) => a.id)).size).toBe(100);
    expect(arrivals).toHaveLength(100);
    // Each forward arrived once (above). Not asserted here: that each took one attempt. Under
    // load the Temporal dev server (CLI 1.9.1, server 1.32.0) loses a dispatch now and then
    // (issue #13; 6 of 100 in a CI run, 3 of 100 in 2 of 8 runs beside busy loops). Matching
    // hands the task to a waiting poller and records it started with a 1 s deadline for such a
    // sync match (recordTaskStartedSyncMatchTimeout, service/matching/matching_engine.go); when
    // the SQLite commit lands after it, the poller gets nothing, history retries the dispatch
    // ("Fail to process task" TransferActivityTask "context deadline exceeded") and matching
    // drops the new copy ("Activity task already started", "Duplicated activity task" at debug
    // level). Attempt 1 then runs nowhere (no request, no worker log, no attempt record) until
    // the 30 s heartbeat timeout starts attempt 2. Each lost forward matched one "Duplicated
    // activity task" on this queue. Temporal's, not hookflow's to prevent: allow a second attempt.
    const attempts = await attemptsOf(stack, ids, 'forward:bulk');
    process.stdout.write(`destination limits: rate alone, forwards on a second attempt: ${attempts.filter((n) => n > 1).length} of 100\n`);
    expect(attempts.every((n) => n >= 1 && n <= 2)).toBe(true);
  });
});
