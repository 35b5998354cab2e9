import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ActionSuccess, type ProgressInput, type RunActionInput } from '../../activities/create-activities';
import { createBodyStore } from '../../src/store/body-store';
import { receivedRecord } from '../../src/store/event-record';
import { openStore, type Store } from '../../src/store/open-store';
import { actionEvent } from '../../src/types/action-event';
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

    // What the workflow does after recordEvent: run the action, then record its outcome.
    const complete = async (runId: string) => {
      const { event, plan } = input(workflowId);
      const job: RunActionInput = { event: actionEvent(event), action: plan.actions[0] };
      const { result, attempt } = (await run(runId).run(activities.runAction, job)) as ActionSuccess;
      const progress: ProgressInput = {
        workflowId,
        actions: { 'handler:h': { status: 'succeeded', attempts: attempt, result } },
        outcome: { status: 'succeeded' },
      };
      await run(runId).run(activities.recordProgress, progress);
    };

    const first = run('run-1');
    const started = Date.now();
    expect(await first.run(activities.recordEvent, input(workflowId), started)).toEqual({ status: 'processing' });
    await complete('run-1');
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
    await complete('run-2');

    // A straggler of the older run, arriving after the newer one finished, changes nothing.
    await run('run-1').run(activities.recordEvent, input(workflowId), started);
    expect(await store.events.findOne({ _id: workflowId })).toMatchObject({
      status: 'succeeded',
      runId: 'run-2',
      actions: { 'handler:h': { status: 'succeeded', attempts: 1 } },
    });
    expect(await store.events.countDocuments({ _id: workflowId })).toBe(1);
  });

  // Issue #10: the receiver's record has no run ID until a run writes it. Its writers: the
  // successful attempt of its only action (recordsOutcome), or the workflow's progress writes.
  test('a record the receiver wrote: the first run to write claims it, another run then misses it, and a terminated one takes nothing', async () => {
    const activities = createActivities({ events: store.events, bodies: createBodyStore(store.bodies), handlers: { h: () => ({ done: true }) }, destinations: new Map() });
    const run = (workflowId: string, runId: string, attempt = 1) => new MockActivityEnvironment({ workflowExecution: { workflowId, runId }, attempt });
    const received = async () => {
      const workflowId = `demo:evt_${randomUUID()}`;
      await store.events.insertOne(receivedRecord(input(workflowId), new Date(), []));
      return workflowId;
    };
    const job = (workflowId: string): RunActionInput => ({ event: actionEvent(input(workflowId).event), action: input(workflowId).plan.actions[0], recordsOutcome: true });

    // The attempt that succeeds writes the outcome and claims the record for its run.
    const claimed = await received();
    expect(await run(claimed, 'run-1').run(activities.runAction, job(claimed))).toMatchObject({ outcomeRecorded: true, attempt: 1 });
    expect(await store.events.findOne({ _id: claimed })).toMatchObject({ status: 'succeeded', runId: 'run-1', attempts: 1, actions: { 'handler:h': { status: 'succeeded', attempts: 1, result: { done: true } } } });
    // A second run's writes miss it; so does a late success of the same run (already succeeded).
    expect(await run(claimed, 'run-2').run(activities.recordProgress, { workflowId: claimed, outcome: { status: 'failed', error: 'x' } } satisfies ProgressInput)).toBe(false);
    expect(await run(claimed, 'run-1', 2).run(activities.runAction, job(claimed))).toMatchObject({ outcomeRecorded: false });
    expect(await store.events.findOne({ _id: claimed })).toMatchObject({ status: 'succeeded', runId: 'run-1', attempts: 1 });

    // No record (the receiver took it back): the attempt says so, and the workflow records it.
    const missing = `demo:evt_${randomUUID()}`;
    expect(await run(missing, 'run-1').run(activities.runAction, job(missing))).toMatchObject({ outcomeRecorded: false });
    expect(await store.events.countDocuments({ _id: missing })).toBe(0);

    // Marked terminated by the admin API (its run ID removed): neither an attempt nor a progress write of the run takes it.
    const terminated = await received();
    await store.events.updateOne({ _id: terminated }, { $set: { status: 'terminated' } });
    expect(await run(terminated, 'run-1').run(activities.runAction, job(terminated))).toMatchObject({ outcomeRecorded: false });
    expect(await run(terminated, 'run-1').run(activities.recordProgress, { workflowId: terminated, outcome: { status: 'succeeded' } } satisfies ProgressInput)).toBe(false);
    expect(await store.events.findOne({ _id: terminated })).toMatchObject({ status: 'terminated' });
  });

  // Issue #18: an event stayed `processing` after its workflow had completed. An attempt
  // Temporal had given up on (a missed heartbeat on a loaded machine) was still running and
  // wrote its own record of the action to the event document; FerretDB applies an update as a
  // read-modify-write of the whole document, so that late write could put back the `processing`
  // it had read before the outcome was written. Actions now neither read nor write the document.
  test('issue #18: runAction neither reads nor writes the event document, so a straggling attempt cannot undo the outcome', async () => {
    const monitored = await openStore(testEnv('mongoUri'), store.db.databaseName, { monitorCommands: true });
    const commands: string[] = [];
    monitored.client.on('commandStarted', (event) => {
      if (JSON.stringify(event.command).includes('"events"')) commands.push(event.commandName);
    });
    try {
      const activities = createActivities({
        events: monitored.events,
        bodies: createBodyStore(monitored.bodies),
        handlers: {
          h: () => ({ done: true }),
          late: () => {
            throw new Error('downstream gone');
          },
        },
        destinations: new Map(),
      });
      const workflowId = `demo:evt_${randomUUID()}`;
      const { event, plan } = input(workflowId);
      const env = (attempt: number) => new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' }, attempt });
      await env(1).run(activities.recordEvent, input(workflowId), Date.now());
      commands.length = 0;

      // Attempt 2 succeeds and the workflow records the outcome; attempt 1, given up on, then fails late.
      const job: RunActionInput = { event: actionEvent(event), action: plan.actions[0] };
      const { result } = (await env(2).run(activities.runAction, job)) as ActionSuccess;
      expect(commands).toEqual([]);
      const progress: ProgressInput = {
        workflowId,
        actions: { 'handler:h': { status: 'succeeded', attempts: 2, result } },
        outcome: { status: 'succeeded' },
      };
      await env(2).run(activities.recordProgress, progress);
      expect(commands).toEqual(['update']);
      const straggler: RunActionInput = { event: actionEvent(event), action: { ...plan.actions[0], kind: 'handler', handler: 'late' } };
      await expect(env(1).run(activities.runAction, straggler)).rejects.toThrow('downstream gone');
      expect(commands).toEqual(['update']);
      expect(await monitored.events.findOne({ _id: workflowId })).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        actions: { 'handler:h': { status: 'succeeded', attempts: 2, result: { done: true } } },
      });
    } finally {
      await monitored.close();
    }
  });

  // The same race as it happened, many times over on the real server: before the fix, 12 and 9
  // of 150 events ended `processing` on FerretDB/SQLite (the straggler's record, attempts 1,
  // replaced the whole document written by attempt 2 and the workflow's rewrite).
  test('issue #18: 60 events, each with a straggling failed attempt racing the recorded outcome, all end succeeded', async () => {
    const activities = createActivities({
      events: store.events,
      bodies: createBodyStore(store.bodies),
      handlers: {
        h: () => ({ done: true }),
        late: async () => {
          await new Promise((r) => setTimeout(r, Math.random() * 30));
          throw new Error('E11000 duplicate key (effects)');
        },
      },
      destinations: new Map(),
    });
    const ids = Array.from({ length: 60 }, () => `demo:evt_${randomUUID()}`);
    await Promise.all(
      ids.map(async (workflowId) => {
        const env = (attempt: number) => new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' }, attempt });
        const { event, plan } = input(workflowId);
        await retryBusy(() => env(1).run(activities.recordEvent, input(workflowId), Date.now()));
        const straggler: RunActionInput = { event: actionEvent(event), action: { ...plan.actions[0], kind: 'handler', handler: 'late' } };
        const late = env(1).run(activities.runAction, straggler).catch(() => undefined);
        const job: RunActionInput = { event: actionEvent(event), action: plan.actions[0] };
        const { result } = (await env(2).run(activities.runAction, job)) as ActionSuccess;
        const progress: ProgressInput = {
          workflowId,
          actions: { 'handler:h': { status: 'succeeded', attempts: 2, result } },
          outcome: { status: 'succeeded' },
        };
        await retryBusy(() => env(2).run(activities.recordProgress, progress));
        await late;
      }),
    );
    const statuses = await store.events.distinct('status', { _id: { $in: ids } });
    expect(statuses).toEqual(['succeeded']);
    expect(await store.events.countDocuments({ _id: { $in: ids }, status: 'succeeded', attempts: 2 })).toBe(60);
  });
});

/** As Temporal retries a local activity: FerretDB on SQLite answers SQLITE_BUSY under concurrent writes. */
async function retryBusy<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 30 || !String(error).includes('SQLITE_BUSY')) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
