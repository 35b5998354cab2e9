import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/create-activities';
import { createBodyStore } from '../../src/store/body-store';
import { openStore, type Store } from '../../src/store/open-store';
import type { ProcessWebhookInput } from '../../src/types/webhook-event';
import { testEnv } from '../harness/test-env';

/**
 * recordEvent is a local activity: when its workflow task is retried (Temporal restarting, a
 * worker too slow to finish the task in time) it runs again for the same run, possibly after
 * the run has moved on. Against the real MongoDB-protocol server.
 */
describe('recordEvent re-executed for the same run or an older one', () => {
  let store: Store;
  const input = (workflowId: string): ProcessWebhookInput => ({
    event: {
      workflowId,
      source: 'demo',
      provider: 'hmac',
      eventId: workflowId.slice(5),
      type: 'order.paid',
      receivedAt: new Date().toISOString(),
      contentType: 'application/json',
      headers: {},
      body: { kind: 'inline', payload: { ok: true }, rawBase64: Buffer.from('{"ok":true}').toString('base64') },
      secretIndex: 0,
    },
    plan: {
      actions: [
        {
          kind: 'handler',
          name: 'handler:h',
          handler: 'h',
          retry: {
            initialIntervalMs: 100,
            backoffCoefficient: 2,
            maximumIntervalMs: 100,
            maximumAttempts: 1,
            startToCloseMs: 1_000,
            scheduleToCloseMs: 1_000,
            heartbeatTimeoutMs: 1_000,
          },
        },
      ],
    },
  });

  beforeAll(async () => {
    store = await openStore(testEnv('mongoUri'), `test_record_${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await store.close();
  });

  test('leaves the progress of its run alone, while a new run starts afresh', async () => {
    const activities = createActivities({
      events: store.events,
      bodies: createBodyStore(store.bodies),
      handlers: { h: () => ({ done: true }) },
      destinations: new Map(),
    });
    const workflowId = `demo:evt_${randomUUID()}`;
    const run = (runId: string) => new MockActivityEnvironment({ workflowExecution: { workflowId, runId }, attempt: 1 });

    const first = run('run-1');
    const started = Date.now();
    expect(await first.run(activities.recordEvent, input(workflowId), started)).toEqual({ status: 'processing' });
    await first.run(activities.runAction, workflowId, input(workflowId).plan.actions[0], true);
    expect(await store.events.findOne({ _id: workflowId })).toMatchObject({ status: 'succeeded', runId: 'run-1' });

    // The same run's recordEvent again (a retried workflow task, or a late straggler).
    expect(await run('run-1').run(activities.recordEvent, input(workflowId), started)).toEqual({ status: 'processing' });
    expect(await store.events.findOne({ _id: workflowId })).toMatchObject({
      status: 'succeeded',
      runId: 'run-1',
      actions: { 'handler:h': { status: 'succeeded', attempts: 1 } },
    });

    // A new run (a redelivery after a failure, a retry, a reset) resets the bookkeeping.
    await run('run-2').run(activities.recordEvent, input(workflowId), started + 1_000);
    expect(await store.events.findOne({ _id: workflowId })).toMatchObject({
      status: 'processing',
      runId: 'run-2',
      actions: { 'handler:h': { status: 'pending', attempts: 0 } },
    });
    await run('run-2').run(activities.runAction, workflowId, input(workflowId).plan.actions[0], true);

    // A straggler of the older run, arriving after the newer one finished, changes nothing.
    await run('run-1').run(activities.recordEvent, input(workflowId), started);
    expect(await store.events.findOne({ _id: workflowId })).toMatchObject({
      status: 'succeeded',
      runId: 'run-2',
      actions: { 'handler:h': { status: 'succeeded', attempts: 1 } },
    });
    expect(await store.events.countDocuments({ _id: workflowId })).toBe(1);
  });
});
