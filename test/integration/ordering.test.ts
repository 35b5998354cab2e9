import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

interface Run {
  readonly key: string;
  readonly seq: number;
  readonly start: number;
  readonly end: number;
}

/** Fisher-Yates, so the keys interleave differently on every run. */
function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('ordering: one key at a time in arrival order, keys in parallel', () => {
  let stack: TestStack;
  const runs: Run[] = [];
  const calls = new Map<string, number>();

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, timestampHeader: 'X-Timestamp' } },
      routes: [
        { source: 'demo', events: ['invoice.*'], actions: [{ handler: 'apply' }], orderingKey: 'data.customer' },
        { source: 'demo', events: ['balance.*'], actions: [{ handler: 'apply' }], orderingKey: 'data.customer', skipStale: true },
      ],
      handlers: {
        apply: async (event) => {
          const start = Date.now();
          calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
          // Work that takes a while, so that a second event of the same key running at the same
          // time would show as overlapping.
          await sleep(20 + Math.floor(Math.random() * 30));
          const { customer, seq } = (event.payload as { data: { customer: string; seq: number } }).data;
          runs.push({ key: customer, seq, start, end: Date.now() });
          return { applied: seq };
        },
      },
      // A small run size so every key's workflow continues as new a few times.
      ordering: { eventsPerRun: 4, idleMs: 2_000 },
    });
  });

  afterAll(() => stack?.close());

  const send = (body: string, timestamp = Math.floor(Date.now() / 1000)) =>
    stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret', { 'x-timestamp': String(timestamp) }));

  test('50 events over 5 keys, shuffled and sent concurrently: per key, processing order = arrival order', async () => {
    const keys = ['cus_a', 'cus_b', 'cus_c', 'cus_d', 'cus_e'].map((k) => `${k}_${Date.now().toString(36)}`);
    const events = shuffle(
      keys.flatMap((customer) =>
        Array.from({ length: 10 }, () => ({ customer, ...demoEvent('invoice.paid', { data: { customer } }) })),
      ),
    );
    // Arrival order per key is the order the receiver acknowledged: each key's next event is sent
    // once its previous one is acknowledged, while the five keys' streams run concurrently.
    const arrival = new Map<string, string[]>(keys.map((k) => [k, []]));
    await Promise.all(
      keys.map(async (key) => {
        for (const event of events.filter((e) => e.customer === key)) {
          const seq = arrival.get(key)!.length;
          const body = JSON.stringify({ ...JSON.parse(event.body), data: { customer: key, seq } });
          const response = await send(body);
          expect(response.json).toEqual({ status: 'accepted', workflowId: `demo:${event.id}` });
          arrival.get(key)!.push(event.id);
        }
      }),
    );

    for (const ids of arrival.values()) {
      for (const id of ids) await stack.waitForStatus(`demo:${id}`, 'succeeded', 60_000);
    }
    for (const key of keys) {
      const processed = runs.filter((r) => r.key === key);
      expect(processed.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // One at a time: each starts after the previous one ended.
      for (let i = 1; i < processed.length; i++) expect(processed[i].start).toBeGreaterThanOrEqual(processed[i - 1].end);
      const doc = await stack.store.events.findOne({ _id: `demo:${arrival.get(key)![0]}` });
      expect(doc?.orderingKey).toBe(key);
    }
    // Different keys ran in parallel: some two runs of different keys overlap in time.
    const overlapping = runs.some((a) => runs.some((b) => a.key !== b.key && a.start < b.end && b.start < a.end));
    expect(overlapping).toBe(true);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);

    // Each key's queue continued as new to keep its history short: several runs per key.
    const { count } = await stack.client.workflow.count(`WorkflowId = "order/demo:${keys[0]}"`);
    expect(count).toBeGreaterThanOrEqual(3);
  });

  test('deduplication by event ID still holds: a redelivery is answered duplicate and runs nothing', async () => {
    const customer = `cus_dup_${Date.now().toString(36)}`;
    const { id, body } = demoEvent('invoice.paid', { data: { customer, seq: 0 } });
    // Two copies at once: both may be queued before either runs; the queue keeps one.
    const first = await Promise.all([send(body), send(body)]);
    expect(first.every((r) => r.status === 200)).toBe(true);
    await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect((await send(body)).json).toEqual({ status: 'duplicate', workflowId: `demo:${id}` });
    expect(calls.get(id)).toBe(1);
    expect(await stack.store.events.countDocuments({ eventId: id })).toBe(1);
  });

  test('an event type too long for a search attribute neither blocks its key nor is refused', async () => {
    const customer = `cus_long_${Date.now().toString(36)}`;
    // 3 000 characters: over the 2 KiB a Keyword search attribute may hold; the queue starts its
    // child with the value cut, and the event keeps its whole type.
    const type = `invoice.${'x'.repeat(3_000)}`;
    const long = demoEvent(type, { data: { customer, seq: 0 } });
    const next = demoEvent('invoice.paid', { data: { customer, seq: 1 } });
    expect((await send(long.body)).status).toBe(200);
    expect((await send(next.body)).status).toBe(200);
    await stack.waitForStatus(`demo:${long.id}`, 'succeeded');
    await stack.waitForStatus(`demo:${next.id}`, 'succeeded');
    expect((await stack.store.events.findOne({ _id: `demo:${long.id}` }))?.type).toBe(type);
  });

  test('skipStale: an event older than one already processed for its key is recorded as stale, not run', async () => {
    const customer = `cus_stale_${Date.now().toString(36)}`;
    const now = Math.floor(Date.now() / 1000);
    const newer = demoEvent('balance.updated', { data: { customer, seq: 1 } });
    const older = demoEvent('balance.updated', { data: { customer, seq: 0 } });
    const other = demoEvent('balance.updated', { data: { customer: `${customer}_other`, seq: 0 } });

    await send(newer.body, now);
    await stack.waitForStatus(`demo:${newer.id}`, 'succeeded');
    await send(older.body, now - 30);
    await send(other.body, now - 30);

    const stale = await stack.waitForStatus(`demo:${older.id}`, 'stale');
    expect(stale.actions['handler:apply']).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(calls.get(older.id)).toBeUndefined();
    // Staleness is per key: the same age under another key is processed.
    await stack.waitForStatus(`demo:${other.id}`, 'succeeded');
  });
});
