import type { CommandStartedEvent } from 'mongodb';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const WRITES = ['insert', 'update', 'delete', 'findAndModify'];
const READS = ['find', 'count', 'aggregate', 'distinct'];

/**
 * The bookkeeping cost of one event, measured on the real stack: Temporal history events and
 * every MongoDB operation that names the event, reads and writes apart. The README lists each
 * operation with why it exists; the exact assertions make any change to them a deliberate one.
 */
describe('cost per event', () => {
  let stack: TestStack;
  const commands: CommandStartedEvent[] = [];

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [
        { source: 'demo', events: ['order.paid'], actions: [{ handler: 'noop' }] },
        { source: 'demo', events: ['order.shipped'], actions: [{ handler: 'noop' }, { handler: 'other' }] },
      ],
      handlers: { noop: () => ({ ok: true }), other: () => ({ ok: true }) },
      monitorCommands: true,
    });
    stack.store.client.on('commandStarted', (event) => {
      if ([...WRITES, ...READS].includes(event.commandName)) commands.push(event);
    });
  });

  afterAll(() => stack?.close());

  async function measure(type: string) {
    const { id, body } = demoEvent(type);
    const workflowId = `demo:${id}`;
    const from = commands.length;
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    // Awaited through Temporal, not by polling MongoDB, so every operation counted is hookflow's own.
    const handle = stack.client.workflow.getHandle(workflowId);
    await handle.result();
    // The event's own operations, and the pause check (`controls`), which names the source, not the event.
    const ours = commands.slice(from).filter((c) => JSON.stringify(c.command).includes(workflowId) || c.command.find === 'controls');
    const history = (await handle.fetchHistory()).events ?? [];
    const writes = ours.filter((c) => WRITES.includes(c.commandName)).map((c) => c.commandName);
    const reads = ours.filter((c) => READS.includes(c.commandName)).map((c) => c.commandName);
    expect(await stack.store.events.findOne({ _id: workflowId })).toMatchObject({ status: 'succeeded' });
    process.stdout.write(`cost per event (${type}): ${history.length} Temporal history events, MongoDB ${writes.length} writes, ${reads.length} reads\n`);
    return { history: history.length, writes, reads };
  }

  // Issue #10: the receiver inserts the record (the insert is also the dedup beyond Temporal's
  // retention, issue #11) and reads beside it whether the source or a destination is paused
  // (issue #13); the action's successful attempt writes the outcome. No local activity runs, so
  // the history holds no marker: start, one activity, complete (two workflow tasks).
  test('one handler (the default path): 11 history events, 2 MongoDB writes (record, outcome), 1 read (pause)', async () => {
    expect(await measure('order.paid')).toEqual({ history: 11, writes: ['insert', 'update'], reads: ['find'] });
  });

  test('a fan-out of two handlers: 3 writes (record, first outcome, last outcome with the event outcome), the same read', async () => {
    const cost = await measure('order.shipped');
    expect({ writes: cost.writes, reads: cost.reads }).toEqual({ writes: ['insert', 'update', 'update'], reads: ['find'] });
  });

  // Concurrent deliveries share the receiver's two operations (src/receiver/ingress-records.ts):
  // those that arrive while one is in flight go as the next one, so under load the receiver makes
  // fewer round trips than events, and every event is still recorded once and runs once.
  test('40 concurrent deliveries: every event recorded and succeeded, in fewer inserts and pause reads than events', async () => {
    const events = Array.from({ length: 40 }, () => demoEvent('order.paid'));
    const from = commands.length;
    const answers = await Promise.all(events.map(({ body }) => stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))));
    expect(answers.map((answer) => answer.status)).toEqual(events.map(() => 200));
    const ids = events.map(({ id }) => `demo:${id}`);
    await Promise.all(ids.map((workflowId) => stack.client.workflow.getHandle(workflowId).result()));
    expect(await stack.store.events.countDocuments({ _id: { $in: ids }, status: 'succeeded' })).toBe(40);
    const ingress = commands.slice(from);
    const inserts = ingress.filter((c) => c.commandName === 'insert' && c.command.insert === 'events');
    const pauseReads = ingress.filter((c) => c.commandName === 'find' && c.command.find === 'controls');
    expect(inserts.flatMap((c) => (c.command.documents as Array<{ _id: string }>).map((doc) => doc._id)).sort()).toEqual([...ids].sort());
    process.stdout.write(`40 concurrent deliveries: ${inserts.length} inserts, ${pauseReads.length} pause reads\n`);
    expect(inserts.length).toBeLessThan(40);
    expect(pauseReads.length).toBeLessThan(40);
  });
});
