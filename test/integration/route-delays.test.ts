import { randomBytes } from 'node:crypto';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';
import { waitUntil } from '../../src/stack/wait-until';

/**
 * Issue #13, delays: a route's `delayMs` starts its actions after a durable workflow timer; the
 * event shows `scheduled` with the time meanwhile, and a worker restart in between changes
 * nothing. Real receiver, Temporal, MongoDB-protocol server and worker.
 */
describe('route delayMs: the actions start after the delay, durably, shown as scheduled meanwhile', () => {
  const secret = randomBytes(24).toString('hex');
  const ran = new Map<string, number[]>();
  const DELAY = 4_000;
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [secret] } },
      routes: [
        { source: 'demo', events: ['later.*', 'mixed.*'], delayMs: DELAY, actions: [{ handler: 'record' }] },
        { source: 'demo', events: ['mixed.*'], actions: [{ handler: 'now' }] },
      ],
      handlers: {
        record: (event) => void ran.set(event.id, [...(ran.get(event.id) ?? []), Date.now()]),
        now: () => ({ ranAt: Date.now() }),
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const send = async (type: string) => {
    const { id, body } = demoEvent(type);
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, secret))).json.status).toBe('accepted');
    return id;
  };

  test('every action delayed: the event is scheduled with the time, then runs once after it, across a worker restart', async () => {
    const id = await send('later.created');
    const scheduled = await stack.waitForStatus(`demo:${id}`, 'scheduled');
    expect(scheduled.scheduledFor!.getTime() - scheduled.runStartedAt!.getTime()).toBe(DELAY);
    expect(scheduled.actions['handler:record']).toMatchObject({ status: 'scheduled', scheduledFor: scheduled.scheduledFor, attempts: 0 });

    // The timer lives in Temporal: with no worker while it runs, the event still runs once, on time.
    await stack.stopWorker();
    await stack.startWorker();
    const done = await stack.waitForStatus(`demo:${id}`, 'succeeded', 30_000);
    expect(ran.get(id)).toHaveLength(1);
    expect(ran.get(id)![0]).toBeGreaterThanOrEqual(scheduled.scheduledFor!.getTime());
    expect(done.scheduledFor).toBeUndefined();
    expect(done.actions['handler:record']).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  test('a delayed route beside an immediate one: the event is processing, the immediate action runs first, the delayed one waits', async () => {
    const id = await send('mixed.created');
    const doc = await waitUntil(
      'the immediate action to succeed',
      async () => {
        const d = await stack.store.events.findOne({ _id: `demo:${id}` });
        return d?.actions['handler:now']?.status === 'succeeded' ? d : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(doc.status).toBe('processing');
    expect(doc.scheduledFor).toBeUndefined();
    expect(doc.actions['handler:record'].status).toBe('scheduled');
    expect(ran.get(id)).toBeUndefined();
    const done = await stack.waitForStatus(`demo:${id}`, 'succeeded', 30_000);
    expect(ran.get(id)).toHaveLength(1);
    expect(ran.get(id)![0]).toBeGreaterThanOrEqual(done.actions['handler:record'].scheduledFor!.getTime());
  });
});
