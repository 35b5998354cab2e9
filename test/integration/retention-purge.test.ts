import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { waitUntil } from '../../src/stack/wait-until';
import { createBodyStore } from '../../src/store/body-store';
import { ensureSchedules, purgeScheduleId } from '../../src/temporal/ensure-schedules';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const TOKEN = 'admin-token-for-the-purge-tests-0123';
const DAY_MS = 86_400_000;

/**
 * Issue #11: the retention policy on the real stack, run by its Temporal Schedule. Events are
 * aged by moving their completedAt back (they are closed: no workflow writes them any more).
 */
describe('retention purge', () => {
  let stack: TestStack;
  let admin: RunningAdminServer;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'ok' }] }],
      handlers: { ok: () => ({ ok: true }) },
      // Bodies over 512 bytes are claim-checked into `bodies`.
      server: { claimCheckBytes: 512 },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token: TOKEN } };
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, bodies: createBodyStore(stack.store.bodies), logger: pino({ level: 'silent' }) },
      '127.0.0.1',
      0,
    );
  });

  afterAll(async () => {
    await stack?.client.schedule
      .getHandle(purgeScheduleId(stack.config.temporal.taskQueue))
      .delete()
      .catch(() => undefined);
    await admin?.close();
    await stack?.close();
  });

  async function deliver(extra: Record<string, unknown> = {}): Promise<{ workflowId: string; body: string }> {
    const { id, body } = demoEvent('order.paid', extra);
    const workflowId = `demo:${id}`;
    const answer = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    expect(answer.json).toEqual({ status: 'accepted', workflowId });
    await stack.waitForStatus(workflowId, 'succeeded');
    return { workflowId, body };
  }

  const age = (workflowId: string, days: number) =>
    stack.store.events.updateOne({ _id: workflowId }, { $set: { completedAt: new Date(Date.now() - days * DAY_MS) } });

  test('the schedule purges payloads after retention.days, deletes records after keepRecordDays, keeps open and fresh events; a purged event is still a duplicate and cannot be replayed', async () => {
    const aged = await deliver();
    const agedLarge = await deliver({ padding: 'x'.repeat(2_000) });
    const fresh = await deliver();
    const ancient = await deliver();
    const largeDoc = await stack.store.events.findOne({ _id: agedLarge.workflowId });
    const bodyId = largeDoc!.bodyId!;
    expect(bodyId).toBeDefined();
    await age(aged.workflowId, 40);
    await age(agedLarge.workflowId, 40);
    await age(ancient.workflowId, 100);
    // Its body was stored as long ago (a body stored again since is kept, whatever its event).
    const longAgo = new Date(Date.now() - 40 * DAY_MS);
    await stack.store.bodies.updateOne({ _id: bodyId }, { $set: { storedAt: longAgo, createdAt: longAgo } });
    // An event still processing, as old as the ancient one: the purge leaves it alone.
    const open = { ...largeDoc!, _id: 'demo:still-open', eventId: 'still-open', status: 'processing' as const, bodyId: 'not-a-body' };
    await stack.store.events.insertOne({ ...open, completedAt: new Date(Date.now() - 100 * DAY_MS) });

    // Single-use tokens (Mailgun's) are kept for their replay window only: one past it, one within.
    await stack.store.nonces.insertMany([
      { _id: 'demo:nonce-expired', workflowId: aged.workflowId, expiresAt: new Date(Date.now() - 60_000) },
      { _id: 'demo:nonce-live', workflowId: fresh.workflowId, expiresAt: new Date(Date.now() + 600_000) },
    ]);

    // The defaults (30 and 90 days), in batches of one so the workflow has to loop.
    const config = { ...stack.config, retention: { ...stack.config.retention, batchSize: 1 } };
    const ids = await ensureSchedules(stack.client, config);
    const scheduleId = purgeScheduleId(stack.config.temporal.taskQueue);
    expect(ids).toContain(scheduleId);
    const schedule = await stack.client.schedule.getHandle(scheduleId).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'purgeEvents' });
    expect(schedule.spec.intervals?.[0]?.every).toBe(3_600_000);
    await stack.client.schedule.getHandle(scheduleId).trigger();

    // The run the trigger started, awaited to its end: each batch writes events, then bodies,
    // then nonces, so watching the events alone would assert on the rest mid-batch.
    const run = await waitUntil(
      'the purge run to start',
      async () => (await stack.client.schedule.getHandle(scheduleId).describe()).info.recentActions[0]?.action.workflow,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await stack.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
    expect(await stack.store.events.findOne({ _id: ancient.workflowId })).toBeNull();

    const purged = await stack.store.events.findOne({ _id: aged.workflowId });
    for (const field of ['payload', 'payloadJson', 'rawBody', 'bodyId', 'headers', 'actions']) expect(purged).not.toHaveProperty(field);
    expect(purged).toMatchObject({ source: 'demo', eventId: aged.workflowId.slice(5), type: 'order.paid', status: 'succeeded', attempts: 1 });
    expect(purged!.receivedAt).toBeInstanceOf(Date);
    expect(purged!.completedAt).toBeInstanceOf(Date);
    expect(purged!.purgedAt).toBeInstanceOf(Date);

    // The claim-checked body went with its event's payload.
    expect(await stack.store.events.findOne({ _id: agedLarge.workflowId })).not.toHaveProperty('bodyId');
    expect(await stack.store.bodies.findOne({ _id: bodyId })).toBeNull();

    const kept = await stack.store.events.findOne({ _id: fresh.workflowId });
    expect(kept).toHaveProperty('payload', JSON.parse(fresh.body));
    expect(kept).toHaveProperty('rawBody');
    expect(kept).not.toHaveProperty('purgedAt');
    expect(await stack.store.events.findOne({ _id: 'demo:still-open' })).toMatchObject({ status: 'processing', bodyId: 'not-a-body' });
    expect(await stack.store.nonces.findOne({ _id: 'demo:nonce-expired' })).toBeNull();
    expect(await stack.store.nonces.findOne({ _id: 'demo:nonce-live' })).toMatchObject({ workflowId: fresh.workflowId });

    // The record outlives the payload, and keeps deduplicating.
    const again = await stack.post('/webhooks/demo', aged.body, hmacHeaders(aged.body, 'test-secret'));
    expect(again.json).toEqual({ status: 'duplicate', workflowId: aged.workflowId });

    const replay = await fetch(`${admin.url}/events/${encodeURIComponent(aged.workflowId)}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'test' }),
    });
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { error: string }).error).toMatch(/purged its payload/);

    // The purge ran as the Schedule's workflow, visible in Temporal.
    const runs = await stack.client.schedule.getHandle(scheduleId).describe();
    expect(runs.info.recentActions.length).toBeGreaterThanOrEqual(1);
  });
});
