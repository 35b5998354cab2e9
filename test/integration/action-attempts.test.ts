import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { purgeBatch } from '../../src/retention/purge-batch';
import { createBodyStore } from '../../src/store/body-store';
import { waitUntil } from '../../src/stack/wait-until';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const TOKEN = `admin-${randomBytes(16).toString('hex')}`;

/**
 * Issue #14, each action attempt on the event's timeline: a failed attempt inserts its own record
 * into `attempts` (the event document keeps its one writer, the workflow, and its shape); the
 * admin API lists every attempt of the run; the retention purge removes them with the payload.
 * Real receiver, admin API over HTTP, Temporal, MongoDB-protocol server and worker.
 */
describe('every action attempt of an event', () => {
  const secret = randomBytes(24).toString('hex');
  const calls = new Map<string, number>();
  const holds = new Map<string, () => void>();
  let stack: TestStack;
  let admin: RunningAdminServer;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [secret] } },
      routes: [
        { source: 'demo', events: ['slow.*'], actions: [{ handler: 'stalling' }] },
        { source: 'demo', events: ['*'], actions: [{ handler: 'flaky' }] },
      ],
      handlers: {
        // Fails its first two attempts at each event, with a message naming the attempt.
        flaky: (event, { attempt }) => {
          calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
          if (attempt < 3) throw new Error(`upstream busy (attempt ${attempt})`);
          return { done: attempt };
        },
        // Fails once, then holds its second attempt until the test lets it go.
        stalling: async (event, { attempt }) => {
          if (attempt === 1) throw new Error('first try fails');
          await new Promise<void>((resolve) => holds.set(event.id, resolve));
          return { done: attempt };
        },
      },
      retry: { initialIntervalMs: 100, maximumIntervalMs: 200, maximumAttempts: 5 },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token: TOKEN } };
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, attempts: stack.store.attempts, bodies: createBodyStore(stack.store.bodies), logger: pino({ level: 'silent' }) },
      '127.0.0.1',
      0,
    );
  });

  afterAll(async () => {
    for (const release of holds.values()) release();
    await admin?.close();
    await stack?.close();
  });

  test('failing twice then succeeding: the admin API shows attempts 1 and 2 failed with their errors and times, then 3 succeeded; the purge removes the records', async () => {
    const sentAt = Date.now();
    const { id, body } = demoEvent('order.paid');
    const workflowId = `demo:${id}`;
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, secret))).json).toEqual({ status: 'accepted', workflowId });
    const doc = await stack.waitForStatus(workflowId, 'succeeded');
    expect(calls.get(id)).toBe(3);

    // The event document is as before: the count, result and finish time, nothing per attempt.
    const action = doc.actions['handler:flaky'];
    expect(Object.keys(action).sort()).toEqual(['attempts', 'finishedAt', 'kind', 'result', 'status', 'target']);
    expect(action).toMatchObject({ status: 'succeeded', attempts: 3, result: { done: 3 } });

    const records = await stack.store.attempts.find({ workflowId }).sort({ attempt: 1 }).toArray();
    expect(records.map((r) => [r._id, r.runId, r.source, r.eventId, r.status])).toEqual(
      [1, 2].map((n) => [`${workflowId}/${doc.runId}/handler:flaky/${n}`, doc.runId, 'demo', id, 'failed']),
    );

    const response = await fetch(`${admin.url}/events/${encodeURIComponent(workflowId)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const { event } = (await response.json()) as { event: { actions: Record<string, { attempts: number; attemptHistory: { attempt: number; status: string; error?: string; startedAt?: string; finishedAt?: string }[] }> } };
    const history = event.actions['handler:flaky'].attemptHistory;
    expect(history.map(({ attempt, status, error }) => ({ attempt, status, error }))).toEqual([
      { attempt: 1, status: 'failed', error: 'handler:flaky: upstream busy (attempt 1)' },
      { attempt: 2, status: 'failed', error: 'handler:flaky: upstream busy (attempt 2)' },
      { attempt: 3, status: 'succeeded', error: undefined },
    ]);
    // Times in order: each failed attempt started and ended before the next, the last ended with the action.
    const times = [history[0].startedAt, history[0].finishedAt, history[1].startedAt, history[1].finishedAt, history[2].finishedAt].map((t) => Date.parse(t!));
    expect(times[0]).toBeGreaterThanOrEqual(sentAt - 1_000);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(history[2].finishedAt).toBe(new Date(action.finishedAt!).toISOString());

    // The purge of the event's payload takes its attempt records with it.
    const later = new Date(Date.now() + 60_000);
    const counts = await purgeBatch(stack.store, { payloadsBefore: later, recordsBefore: new Date(0), batchSize: 100, now: later });
    expect(counts).toMatchObject({ payloadsPurged: 1, attemptsDeleted: 2 });
    expect(await stack.store.attempts.countDocuments({ workflowId })).toBe(0);
    expect(await stack.store.events.findOne({ _id: workflowId })).toMatchObject({ status: 'succeeded', purgedAt: later });
  });

  // On the default path the record names its run only once the outcome is written; the timeline
  // must not wait for that to show what already failed.
  test('while the action is still retrying, the admin API already shows its failed attempt', async () => {
    const { id, body } = demoEvent('slow.paid');
    const workflowId = `demo:${id}`;
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, secret))).json).toEqual({ status: 'accepted', workflowId });
    await waitUntil('the second attempt to hold', async () => (holds.has(id) ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });
    const response = await fetch(`${admin.url}/events/${encodeURIComponent(workflowId)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const { event } = (await response.json()) as { event: { status: string; actions: Record<string, { attemptHistory: { attempt: number; status: string; error?: string }[] }> } };
    expect(event.status).toBe('processing');
    expect(event.actions['handler:stalling'].attemptHistory.filter((a) => a.status === 'failed').map(({ attempt, error }) => ({ attempt, error }))).toEqual([
      { attempt: 1, error: 'handler:stalling: first try fails' },
    ]);
    holds.get(id)!();
    await stack.waitForStatus(workflowId, 'succeeded');
  });
});
