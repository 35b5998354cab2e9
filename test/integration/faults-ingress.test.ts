import { waitUntil } from '../../src/stack/wait-until';
import { deliver, redeliverUnacknowledged, sendStream, type SentEvent } from '../harness/event-stream';
import { FaultRig } from '../harness/fault-rig';
import { demoEvent } from '../harness/sign';

/**
 * Faults at the door: the receiver dies mid-stream, and providers deliver the same event many
 * times at once. An event that got a 2xx is processed; one that did not is re-sent, as a provider
 * would, and never processed twice.
 */
describe('faults at ingress: acknowledged events are never lost, never done twice', () => {
  jest.setTimeout(300_000);
  const rig = new FaultRig((line) => process.stderr.write(`[faults-ingress] ${line}\n`));

  beforeAll(() => rig.start());
  beforeEach(() => rig.begin());
  afterEach(() => rig.end());
  afterAll(() => rig.close());

  test('SIGKILL the receiver mid-stream and restart it: every 2xx completes, re-sending the rest adds no duplicate', async () => {
    // The promise wrapped in an object: waitUntil would otherwise wait for the promise's own value.
    let killed: { exited: Promise<unknown> } | undefined;
    const stream = sendStream(rig.url, 200, 40, (n) => {
      if (n === 80) {
        rig.receiver.child.kill('SIGKILL');
        killed = { exited: rig.receiver.exited };
      }
    });
    await (await waitUntil('the stream to reach the kill', async () => killed, { timeoutMs: 30_000, intervalMs: 50 })).exited;
    await rig.startReceiver(); // on a new port: the stream's later requests go there
    const events = await stream;
    const unanswered = events.filter((e) => e.status !== 200).length;
    process.stdout.write(`fault "receiver SIGKILL": ${unanswered} requests failed or were refused around the kill\n`);
    expect(unanswered).toBeGreaterThan(0);
    await redeliverUnacknowledged(rig.url, events);
    const figures = await rig.account('receiver SIGKILL', events);
    expect(figures).toMatchObject({ acknowledged: 200, completed: 200, lost: 0, duplicates: 0 });
  });

  test('duplicate storm: 200 events each sent 5 times at once give 200 workflows and 200 documents', async () => {
    const events: SentEvent[] = Array.from({ length: 200 }, () => ({ ...demoEvent('order.paid', { workMs: 30 }), status: -1, sends: 0 }));
    // Ten events at a time, each one's five copies concurrently: 50 requests in flight.
    const copies = new Map<string, number[]>();
    for (let i = 0; i < events.length; i += 10) {
      await Promise.all(
        events.slice(i, i + 10).flatMap((event) =>
          Array.from({ length: 5 }, async () => {
            const copy: SentEvent = { ...event, status: -1, sends: 0 };
            await deliver(rig.url, copy);
            copies.set(event.id, [...(copies.get(event.id) ?? []), copy.status]);
            event.sends++;
            if (copy.status === 200) event.status = 200;
          }),
        ),
      );
    }
    const statuses = [...copies.values()].flat();
    process.stdout.write(
      `fault "duplicate storm": ${statuses.length} requests, ${statuses.filter((s) => s === 200).length} answered 200\n`,
    );
    // Every copy of a duplicate is acknowledged: the provider must stop re-sending it.
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const figures = await rig.account('duplicate storm', events);
    let workflows = 0;
    for await (const execution of rig.client.workflow.list({ query: `HookflowSource = "demo"` })) {
      if (copies.has(execution.workflowId.slice('demo:'.length))) workflows++;
    }
    expect({ workflows, documents: await rig.db.collection('events').countDocuments() }).toEqual({ workflows: 200, documents: 200 });
    expect(figures).toMatchObject({ acknowledged: 200, completed: 200, lost: 0, duplicates: 0 });
  });
});
