import { WorkflowNotFoundError } from '@temporalio/client';
import { PermanentError } from '../../src/handlers/permanent-error';
import { waitUntil } from '../../src/stack/wait-until';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #11: Temporal forgets a closed workflow after the namespace's retention; the event's
 * record in MongoDB outlives it, and a redelivery must still be a duplicate. Retention is
 * simulated as Temporal applies it: DeleteWorkflowExecution on the closed workflow.
 */
describe('dedup beyond Temporal retention', () => {
  let stack: TestStack;
  const runs = new Map<string, number>();
  /** By event ID: ends the held first run of a `slow` event. */
  const holds = new Map<string, () => void>();
  const finished = new Map<string, number>();
  const release = (id: string) => holds.get(id)?.();
  const count = (id: string) => runs.set(id, (runs.get(id) ?? 0) + 1);

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'record' }] },
        { source: 'demo', events: ['doomed.*'], actions: [{ handler: 'doomed' }] },
        { source: 'demo', events: ['slow.*'], actions: [{ handler: 'slow' }] },
      ],
      handlers: {
        record: (event) => {
          count(event.id);
          return { ok: true };
        },
        doomed: (event) => {
          count(event.id);
          throw new PermanentError('cannot be processed');
        },
        // Its first run holds until the test releases it, so the event stays `processing`.
        slow: async (event) => {
          count(event.id);
          if (runs.get(event.id) === 1) await new Promise<void>((resolve) => holds.set(event.id, resolve));
          finished.set(event.id, (finished.get(event.id) ?? 0) + 1);
          return { ok: true };
        },
      },
    });
  });

  afterAll(async () => {
    for (const end of holds.values()) end();
    await stack?.close();
  });

  /** What Temporal does to a closed workflow once the namespace's retention has passed. */
  async function forget(workflowId: string): Promise<void> {
    let status = '';
    await waitUntil(
      `Temporal to forget ${workflowId}`,
      async () => {
        try {
          status = (await stack.client.workflow.getHandle(workflowId).describe()).status.name;
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return true;
          throw error;
        }
        // Deletion is a background task on the server; asking again is idempotent.
        await stack.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
        return undefined;
      },
      // Deletion runs as a background task of the dev server: on a loaded machine it took 30 s.
      { timeoutMs: 90_000, intervalMs: 500 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last status ${status}`);
    });
  }

  const duplicates = async () =>
    (await stack.receiverMetrics.registry.getSingleMetric('hookflow_duplicate_webhooks_total')?.get())?.values.find(
      (v) => v.labels.source === 'demo',
    )?.value ?? 0;

  test('a succeeded event whose workflow Temporal deleted is answered duplicate on every redelivery; the handler ran once', async () => {
    const { id, body } = demoEvent('order.paid');
    const workflowId = `demo:${id}`;
    const headers = hmacHeaders(body, 'test-secret');
    expect((await stack.post('/webhooks/demo', body, headers)).json).toEqual({ status: 'accepted', workflowId });
    await stack.waitForWorkflow(workflowId, 'COMPLETED');
    await stack.waitForStatus(workflowId, 'succeeded');
    await forget(workflowId);

    const before = await duplicates();
    for (let i = 0; i < 4; i++) {
      const answer = await stack.post('/webhooks/demo', body, headers);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ status: 'duplicate', workflowId });
    }
    expect((await duplicates()) - before).toBe(4);
    // Nothing was started: Temporal still has no workflow under the ID.
    await expect(stack.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(runs.get(id)).toBe(1);
    const doc = await stack.store.events.findOne({ _id: workflowId });
    expect(doc?.status).toBe('succeeded');
  }, 150_000);

  test('a failed event whose workflow Temporal deleted runs again on redelivery, as before', async () => {
    const { id, body } = demoEvent('doomed.created');
    const workflowId = `demo:${id}`;
    const headers = hmacHeaders(body, 'test-secret');
    expect((await stack.post('/webhooks/demo', body, headers)).json.status).toBe('accepted');
    await stack.waitForWorkflow(workflowId, 'FAILED');
    await stack.waitForStatus(workflowId, 'failed');
    await forget(workflowId);

    const answer = await stack.post('/webhooks/demo', body, headers);
    expect(answer.json).toEqual({ status: 'accepted', workflowId });
    await stack.waitForWorkflow(workflowId, 'FAILED');
    await waitUntil('the second run to reach the handler', async () => (runs.get(id) === 2 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  }, 150_000);

  // A `processing` record is not read as "already ran": the receiver leaves it to Temporal,
  // which keeps every running workflow (so a redelivery of a running event is a duplicate
  // there), and a workflow terminated from the Temporal UI never writes its outcome (its record
  // stays `processing`), so a redelivery must run it again, as any terminated event does.
  async function startHeld(): Promise<{ id: string; body: string; headers: Record<string, string>; workflowId: string }> {
    const { id, body } = demoEvent('slow.created');
    const workflowId = `demo:${id}`;
    const headers = hmacHeaders(body, 'test-secret');
    expect((await stack.post('/webhooks/demo', body, headers)).json).toEqual({ status: 'accepted', workflowId });
    await stack.waitForStatus(workflowId, 'processing');
    await waitUntil('the first run to reach the handler', async () => (holds.has(id) ? true : undefined), { timeoutMs: 15_000, intervalMs: 50 });
    return { id, body, headers, workflowId };
  }

  /** As an operator does from the Temporal UI: no workflow code runs, so nothing records it. */
  async function terminateOutside(workflowId: string): Promise<void> {
    await stack.client.workflow.getHandle(workflowId).terminate('terminated from the Temporal UI');
    await stack.waitForWorkflow(workflowId, 'TERMINATED');
    expect((await stack.store.events.findOne({ _id: workflowId }))?.status).toBe('processing');
  }

  test('a processing event is a duplicate while its workflow runs; once terminated outside hookflow (record left processing), a redelivery runs it again, and the orphaned attempt finishing late writes nothing', async () => {
    const { id, body, headers, workflowId } = await startHeld();
    const before = await duplicates();
    const whileRunning = await stack.post('/webhooks/demo', body, headers);
    expect([whileRunning.status, whileRunning.json]).toEqual([200, { status: 'duplicate', workflowId }]);
    expect((await duplicates()) - before).toBe(1);

    await terminateOutside(workflowId);
    const again = await stack.post('/webhooks/demo', body, headers);
    expect([again.status, again.json]).toEqual([200, { status: 'accepted', workflowId }]);
    await stack.waitForStatus(workflowId, 'succeeded');
    expect(runs.get(id)).toBe(2);
    // The record is written before the workflow returns: its new run completes just after.
    await stack.waitForWorkflow(workflowId, 'COMPLETED');
    const secondRun = (await stack.client.workflow.getHandle(workflowId).describe()).runId;

    // The terminated run's attempt ends now; the record is the second run's, so it writes nothing.
    release(id);
    await waitUntil('the orphaned attempt to finish', async () => (finished.get(id) === 2 ? true : undefined), { timeoutMs: 15_000, intervalMs: 50 });
    await expect(stack.store.events.findOne({ _id: workflowId })).resolves.toMatchObject({ status: 'succeeded', runId: secondRun });
  }, 60_000);

  // The other order: the orphaned attempt's handler finishes its work before any redelivery.
  // The record no run has claimed yet (the receiver's) takes its success: the work was done
  // once, so a redelivery is a duplicate rather than a second run of it.
  test('terminated outside hookflow, its action then finishing its work: the record says succeeded, and a redelivery is a duplicate', async () => {
    const { id, body, headers, workflowId } = await startHeld();
    await terminateOutside(workflowId);
    release(id);
    await stack.waitForStatus(workflowId, 'succeeded');
    const again = await stack.post('/webhooks/demo', body, headers);
    expect([again.status, again.json]).toEqual([200, { status: 'duplicate', workflowId }]);
    expect(runs.get(id)).toBe(1);
  }, 60_000);

  test('the embedded stack keeps closed workflows for 7 days (temporal.retentionDays), not the dev server\'s 24 hours', async () => {
    const { config } = await stack.client.workflowService.describeNamespace({ namespace: 'default' });
    expect(Number(config?.workflowExecutionRetentionTtl?.seconds)).toBe(7 * 86_400);
  });
});
