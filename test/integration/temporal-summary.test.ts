import pino from 'pino';
import { replayEvent } from '../../src/admin/replay-event';
import { createBodyStore } from '../../src/store/body-store';
import { orderingWorkflowId } from '../../src/temporal/start-processing';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #14: every event's workflow carries the static summary `<source> <type> <eventId>` and
 * details the Temporal UI shows, whether the receiver started it, a replay did, or an ordered
 * key's queue started it as a child. Read back from Temporal with describe().
 */
describe('Temporal UI summary and details of event workflows', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'ok' }] },
        { source: 'demo', events: ['ledger.*'], actions: [{ handler: 'ok' }], orderingKey: 'data.account' },
      ],
      handlers: { ok: () => ({ ok: true }) },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function deliver(type: string, extra: Record<string, unknown> = {}) {
    const { id, body } = demoEvent(type, extra);
    const answer = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    expect(answer.json).toMatchObject({ status: 'accepted' });
    return { id, workflowId: `demo:${id}` };
  }

  test('a delivery: summary "<source> <type> <eventId>", details naming provider and receipt time', async () => {
    const { id, workflowId } = await deliver('order.paid');
    const done = await stack.waitForWorkflow(workflowId, 'COMPLETED');
    expect(await done.staticSummary()).toBe(`demo order.paid ${id}`);
    const details = await done.staticDetails();
    expect(details).toContain('**source** demo (hmac)');
    expect(details).toContain(`**event ID** ${id}`);
    expect(details).toMatch(/\*\*received\*\* \d{4}-\d{2}-\d{2}T/);
    expect(details).not.toContain('replay of');
  });

  test('a replay: the same summary, and details naming the event it replays', async () => {
    const { id, workflowId } = await deliver('order.shipped');
    await stack.waitForStatus(workflowId, 'succeeded');
    const replay = await replayEvent(
      { config: stack.config, temporal: stack.client, events: stack.store.events, bodies: createBodyStore(stack.store.bodies), logger: pino({ level: 'silent' }) },
      workflowId,
    );
    expect(replay).toMatchObject({ started: true, workflowId: `${workflowId}#replay-1` });
    const done = await stack.waitForWorkflow(`${workflowId}#replay-1`, 'COMPLETED');
    expect(await done.staticSummary()).toBe(`demo order.shipped ${id}`);
    expect(await done.staticDetails()).toContain(`**replay of** ${workflowId} (made `);
  });

  test("an ordered event: the queue's child carries the summary too", async () => {
    const account = `acct_${Date.now().toString(36)}`;
    const { id, workflowId } = await deliver('ledger.posted', { data: { account } });
    const done = await stack.waitForWorkflow(workflowId, 'COMPLETED');
    expect(await done.staticSummary()).toBe(`demo ledger.posted ${id}`);
    // The queue itself is not an event: it has no summary of an event.
    const queue = await stack.client.workflow.getHandle(orderingWorkflowId('demo', account)).describe();
    expect(await queue.staticSummary()).toBeUndefined();
  });
});
