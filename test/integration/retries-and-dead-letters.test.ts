import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '../../src/stack/wait-until';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

describe('retries, dead letters, heartbeats and cancellation', () => {
  let stack: TestStack;
  let downstreamUp = false;
  const started = new Set<string>();
  const aborted = new Set<string>();

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [
        { source: 'demo', events: ['sync.*'], actions: [{ handler: 'sync' }], retry: { maximumAttempts: 3 } },
        { source: 'demo', events: ['long.*'], actions: [{ handler: 'long' }], retry: { heartbeatTimeoutMs: 500, maximumAttempts: 1 } },
        { source: 'demo', events: ['stuck.*'], actions: [{ handler: 'stuck' }], retry: { heartbeatTimeoutMs: 1_000 } },
      ],
      handlers: {
        sync: () => {
          if (!downstreamUp) throw new Error('downstream is down');
          return { synced: true };
        },
        // Runs for 4 heartbeat timeouts: it survives only because hookflow heartbeats for it.
        long: async (event, { heartbeat }) => {
          for (let i = 1; i <= 4; i++) {
            await sleep(500);
            heartbeat({ step: i });
          }
          return { steps: 4 };
        },
        // Waits until cancelled, as a well-behaved long handler does.
        stuck: (event, { signal }) =>
          new Promise((_, reject) => {
            started.add(event.id);
            signal.addEventListener('abort', () => {
              aborted.add(event.id);
              reject(new Error('stopped: cancelled'));
            });
          }),
      },
    });
  });

  afterAll(() => stack?.close());


  test('exhausted retries → failed document and Failed workflow; a redelivery re-runs it under the same ID', async () => {
    downstreamUp = false;
    const { id, body } = demoEvent('sync.requested');
    const workflowId = `demo:${id}`;
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));

    const failed = await stack.waitForStatus(workflowId, 'failed');
    expect(failed).toMatchObject({ attempts: 3, failedAction: 'handler:sync' });
    expect(failed.lastError).toBe('handler:sync: downstream is down');
    expect(failed.actions['handler:sync']).toMatchObject({ status: 'failed', attempts: 3, error: 'handler:sync: downstream is down' });
    const firstRun = await stack.waitForWorkflow(workflowId, 'FAILED');

    downstreamUp = true;
    const redelivery = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    expect(redelivery.json).toEqual({ status: 'accepted', workflowId });
    const succeeded = await stack.waitForStatus(workflowId, 'succeeded');
    expect(succeeded).toMatchObject({ attempts: 1, actions: { 'handler:sync': { status: 'succeeded', result: { synced: true } } } });
    expect(succeeded.lastError).toBeUndefined();
    expect(succeeded.failedAction).toBeUndefined();
    const secondRun = await stack.waitForWorkflow(workflowId, 'COMPLETED');
    expect(secondRun.runId).not.toBe(firstRun.runId);
    expect(succeeded.runId).toBe(secondRun.runId);
    expect(await stack.store.events.countDocuments({ _id: workflowId })).toBe(1);
  });

  test('a handler running for 4× its heartbeat timeout completes in one attempt, its progress heartbeaten', async () => {
    const { id, body } = demoEvent('long.running');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded', 20_000);
    expect(doc.actions['handler:long']).toMatchObject({ status: 'succeeded', attempts: 1, result: { steps: 4 } });
  });

  test('cancelling the workflow aborts the running handler and records the event as cancelled', async () => {
    const { id, body } = demoEvent('stuck.waiting');
    const workflowId = `demo:${id}`;
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    await waitUntil('the handler to start', async () => (started.has(id) ? true : undefined), { timeoutMs: 10_000 });

    await stack.client.workflow.getHandle(workflowId).cancel();
    const doc = await stack.waitForStatus(workflowId, 'cancelled');
    expect(aborted.has(id)).toBe(true);
    expect(doc.actions['handler:stuck']).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(doc.completedAt).toBeInstanceOf(Date);
    await stack.waitForWorkflow(workflowId, 'CANCELLED');
  });

  test('a failed event reset in Temporal (to its first workflow task) runs again, its document following the new run', async () => {
    downstreamUp = false;
    const { id, body } = demoEvent('sync.requested');
    const workflowId = `demo:${id}`;
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    await stack.waitForStatus(workflowId, 'failed');
    const failedRun = await stack.waitForWorkflow(workflowId, 'FAILED');

    // What the UI's Reset (or `temporal workflow reset --type FirstWorkflowTask`) does.
    downstreamUp = true;
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const firstTask = history.events!.find((e) => e.workflowTaskCompletedEventAttributes)!;
    const { runId } = await stack.client.workflowService.resetWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId, runId: failedRun.runId },
      reason: 'handler fixed',
      workflowTaskFinishEventId: firstTask.eventId,
      requestId: `reset-${id}`,
    });

    const doc = await stack.waitForStatus(workflowId, 'succeeded');
    expect(doc.runId).toBe(runId);
    expect(doc.actions['handler:sync']).toMatchObject({ status: 'succeeded', attempts: 1 });
    await stack.waitForWorkflow(workflowId, 'COMPLETED');
  });
});
