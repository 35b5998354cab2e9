import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '../../src/stack/wait-until';
import { deliver, redeliverUnacknowledged, sendStream, type SentEvent } from '../harness/event-stream';
import { FaultRig } from '../harness/fault-rig';
import { demoEvent } from '../harness/sign';

/**
 * Faults in what hookflow runs on, injected under a steady stream of signed events: hookflow's
 * promise is that an acknowledged event is never lost and never processed twice.
 */
describe('faults in workers, Temporal and MongoDB: acknowledged events are never lost, never done twice', () => {
  jest.setTimeout(300_000);
  const rig = new FaultRig((line) => process.stderr.write(`[faults] ${line}\n`));

  beforeAll(() => rig.start());
  beforeEach(() => rig.begin());
  afterEach(() => rig.end());
  afterAll(() => rig.close());

  test('SIGKILL a worker mid-activity, start another: every event succeeds once', async () => {
    const [victim] = rig.workers;
    // Promises wrapped in objects: waitUntil would otherwise wait for the promise's own value.
    let killed: { done: Promise<void> } | undefined;
    const stream = sendStream(rig.url, 200, 40, (n) => {
      if (n === 80) killed = { done: rig.killWorker(victim) };
    });
    await (await waitUntil('the stream to reach the kill', async () => killed, { timeoutMs: 30_000, intervalMs: 50 })).done;
    await rig.startWorker();
    const events = await stream;
    await redeliverUnacknowledged(rig.url, events);
    const figures = await rig.account('worker SIGKILL', events);
    expect(figures).toMatchObject({ acknowledged: 200, completed: 200, lost: 0, duplicates: 0 });
  });

  test('Temporal stopped mid-stream and restarted on its database: 503 while down, everything acknowledged completes', async () => {
    let down: { stopped: Promise<void> } | undefined;
    const stream = sendStream(rig.url, 200, 40, (n) => {
      if (n === 60) down = { stopped: rig.temporal.stop() };
    });
    await (await waitUntil('the stream to reach the outage', async () => down, { timeoutMs: 30_000, intervalMs: 50 })).stopped;
    // While it is down the receiver refuses to acknowledge: 503 with Retry-After.
    const probe: SentEvent = { ...demoEvent(), status: -1, sends: 0 };
    await deliver(rig.url, probe);
    expect(probe.status).toBe(503);
    await sleep(3_000); // the outage lasts a while; the stream keeps coming
    await rig.startTemporal();
    const events = [...(await stream), probe];
    const refused = events.filter((e) => e.status === 503).length;
    await redeliverUnacknowledged(rig.url, events);
    const figures = await rig.account('Temporal restart', events);
    process.stdout.write(`fault "Temporal restart": ${refused} answered 503 while Temporal was down\n`);
    expect(refused).toBeGreaterThan(0);
    expect(figures).toMatchObject({ acknowledged: events.length, completed: events.length, lost: 0, duplicates: 0 });
  });

  test('MongoDB stopped for 20 s mid-stream: activities retry, and once it is back every event is recorded once', async () => {
    let down: { stopped: Promise<void> } | undefined;
    // 200 events over 20 s: the outage starts 3 s in and outlasts the stream.
    const stream = sendStream(rig.url, 200, 10, (n) => {
      if (n === 30) down = { stopped: rig.mongo.stop() };
    });
    await (await waitUntil('the stream to reach the outage', async () => down, { timeoutMs: 30_000, intervalMs: 50 })).stopped;
    const stoppedAt = Date.now();
    await sleep(20_000); // the outage itself: what is being tested is riding it out
    await rig.startMongo();
    process.stdout.write(`fault "MongoDB outage": down for ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s\n`);
    const events = await stream;
    // The receiver needs only Temporal to acknowledge: events kept being accepted while MongoDB was down.
    expect(events.filter((e) => e.status === 200).length).toBe(200);
    const figures = await rig.account('MongoDB outage', events);
    expect(figures).toMatchObject({ acknowledged: 200, completed: 200, lost: 0, duplicates: 0 });
  });

  test('the PostgreSQL under FerretDB SIGKILLed mid-stream and restarted on its data: every event is recorded once', async () => {
    let killed: { done: Promise<void> } | undefined;
    const stream = sendStream(rig.url, 200, 10, (n) => {
      if (n === 30) killed = { done: rig.killPostgres() };
    });
    await (await waitUntil('the stream to reach the kill', async () => killed, { timeoutMs: 30_000, intervalMs: 50 })).done;
    const killedAt = Date.now();
    await sleep(10_000); // down for a while: FerretDB answers errors, activities retry
    await rig.restartPostgres();
    process.stdout.write(`fault "PostgreSQL kill": down for ${((Date.now() - killedAt) / 1000).toFixed(1)} s\n`);
    const events = await stream;
    await redeliverUnacknowledged(rig.url, events);
    const figures = await rig.account('PostgreSQL kill', events);
    expect(figures).toMatchObject({ acknowledged: 200, completed: 200, lost: 0, duplicates: 0 });
  });
});
