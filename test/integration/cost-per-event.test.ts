import type { CommandStartedEvent } from 'mongodb';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const WRITE_COMMANDS = ['insert', 'update', 'delete', 'findAndModify'];

/**
 * The bookkeeping cost of one event on the default path (one handler), measured on the real
 * stack: Temporal history events and MongoDB writes. The README quotes these figures; the
 * exact assertions make any change to them a deliberate one.
 */
describe('cost per event', () => {
  let stack: TestStack;
  const writes: CommandStartedEvent[] = [];

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'noop' }] }],
      handlers: { noop: () => ({ ok: true }) },
      monitorCommands: true,
    });
    stack.store.client.on('commandStarted', (event) => {
      if (WRITE_COMMANDS.includes(event.commandName)) writes.push(event);
    });
  });

  afterAll(() => stack?.close());

  test('one handler: 12 history events and 2 MongoDB writes per event', async () => {
    const { id, body } = demoEvent('order.paid');
    const workflowId = `demo:${id}`;
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    await stack.waitForStatus(workflowId, 'succeeded');
    const handle = stack.client.workflow.getHandle(workflowId);
    await handle.result();

    const history = await handle.fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    const eventWrites = writes.filter((w) => JSON.stringify(w.command).includes(workflowId));
    process.stdout.write(
      `cost per event (one handler): ${types.length} Temporal history events, ${eventWrites.length} MongoDB writes\n`,
    );
    expect(types).toHaveLength(12);
    expect(eventWrites.map((w) => w.commandName)).toEqual(['update', 'update']);
  });
});
