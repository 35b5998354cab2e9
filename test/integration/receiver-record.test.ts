import type { processWebhook } from '../../workflows/process-webhook';
import type { EventDocument } from '../../src/store/documents';
import { setPaused } from '../../src/controls/set-paused';
import { waitUntil } from '../../src/stack/wait-until';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/** The record's fields whose values differ between any two events (times, IDs, the body, the routes that refused it). */
const VARYING = ['refusedBy', '_id', 'eventId', 'receivedAt', 'listedAt', 'createdAt', 'updatedAt', 'completedAt', 'runId', 'runStartedAt', 'rawBody', 'payload', 'bodyBytes', 'headers'];

/**
 * Issue #10: on the default path the receiver writes the event's record itself (insert) and the
 * action's successful attempt its outcome, so the workflow records nothing. Every other path
 * (a delay, a pause, ...) is recorded by the workflow's recordEvent, as before. The two must
 * leave the same record.
 */
describe('the record the receiver writes', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      destinations: { crm: { url: 'http://127.0.0.1:9/never', secrets: [`whsec_${Buffer.alloc(32, 7).toString('base64')}`] } },
      routes: [
        { source: 'demo', events: ['order.paid'], actions: [{ handler: 'ok' }] },
        // Recorded by the workflow: a delayed action's record is not known at ingress.
        { source: 'demo', events: ['order.late'], delayMs: 1, actions: [{ handler: 'ok' }] },
        { source: 'demo', events: ['order.held'], actions: [{ forward: 'crm' }] },
      ],
      handlers: { ok: () => ({ ok: true }) },
    });
  });

  afterAll(() => stack?.close());
  const controlDeps = () => ({ controls: stack.store.controls, events: stack.store.events, temporal: stack.client });

  async function deliver(type: string): Promise<string> {
    const { id, body } = demoEvent(type);
    const answer = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    expect(answer.json).toEqual({ status: 'accepted', workflowId: `demo:${id}` });
    return `demo:${id}`;
  }

  /** The record without what differs from event to event, and its action's times. */
  function shape(doc: EventDocument): Record<string, unknown> {
    const kept = Object.fromEntries(Object.entries(doc).filter(([key]) => !VARYING.includes(key)));
    const actions = Object.fromEntries(Object.entries(doc.actions).map(([name, { finishedAt, scheduledFor, ...rest }]) => [name, { ...rest, finished: finishedAt instanceof Date }]));
    return { ...kept, actions, type: undefined };
  }

  test('an event on the default path ends with the same record as one the workflow recorded, claimed by its run', async () => {
    const byReceiver = await deliver('order.paid');
    const byWorkflow = await deliver('order.late');
    const [a, b] = [await stack.waitForStatus(byReceiver, 'succeeded'), await stack.waitForStatus(byWorkflow, 'succeeded')];
    expect(shape(a)).toEqual(shape(b));
    expect(a).toMatchObject({ status: 'succeeded', attempts: 1, actions: { 'handler:ok': { status: 'succeeded', attempts: 1, result: { ok: true } } } });
    const run = (await stack.client.workflow.getHandle(byReceiver).describe()).runId;
    expect(a.runId).toBe(run);
    expect(a.completedAt).toBeInstanceOf(Date);
    // No local activity ran: nothing but the start, the action and the completion.
    const history = (await stack.client.workflow.getHandle(byReceiver).fetchHistory()).events ?? [];
    expect(history.filter((e) => e.markerRecordedEventAttributes)).toHaveLength(0);
  });

  test('a paused destination: the receiver records the forward held from the start, and the workflow holds it without recording anything', async () => {
    await setPaused(controlDeps(), 'destination', 'crm', true, 'test', new Date());
    try {
      const workflowId = await deliver('order.held');
      // The first record anyone can read already says held: there is no `pending` moment.
      const held = await stack.waitForStatus(workflowId, 'processing');
      expect(held).toMatchObject({ heldOn: { 'destination-crm': true }, actions: { 'forward:crm': { status: 'held', attempts: 0 } } });
      const handle = stack.client.workflow.getHandle(workflowId);
      await waitUntil('the workflow to wait for the resume', async () => ((await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined), {
        timeoutMs: 15_000,
        intervalMs: 100,
      });
      const history = (await handle.fetchHistory()).events ?? [];
      expect(history.filter((e) => e.markerRecordedEventAttributes)).toHaveLength(0);
      expect(history.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
      await handle.terminate('test over');
    } finally {
      await setPaused(controlDeps(), 'destination', 'crm', false, 'test', new Date());
    }
  });

  // The receiver takes its record back when it saw the start fail, yet a start answered late
  // may have happened all the same: that run, finding no record, must record the event itself.
  test('a run told the receiver recorded it, finding no record, records the event from its input and ends succeeded', async () => {
    const { id, body } = demoEvent('order.paid');
    const workflowId = `demo:${id}`;
    const receivedAt = new Date().toISOString();
    await stack.client.workflow.start<typeof processWebhook>('processWebhook', {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId,
      args: [
        {
          event: {
            workflowId,
            source: 'demo',
            provider: 'hmac',
            eventId: id,
            type: 'order.paid',
            receivedAt,
            contentType: 'application/json',
            headers: {},
            body: { kind: 'inline', payload: JSON.parse(body), rawBase64: Buffer.from(body).toString('base64') },
            secretIndex: 0,
          },
          plan: {
            actions: [
              {
                kind: 'handler',
                name: 'handler:ok',
                handler: 'ok',
                retry: {
                  initialIntervalMs: 100,
                  backoffCoefficient: 2,
                  maximumIntervalMs: 1_000,
                  maximumAttempts: 3,
                  startToCloseMs: 10_000,
                  scheduleToCloseMs: 60_000,
                  heartbeatTimeoutMs: 10_000,
                },
              },
            ],
          },
          recorded: { paused: [] },
        },
      ],
    });
    await stack.client.workflow.getHandle(workflowId).result();
    await expect(stack.store.events.findOne({ _id: workflowId })).resolves.toMatchObject({
      status: 'succeeded',
      eventId: id,
      receivedAt: new Date(receivedAt),
      actions: { 'handler:ok': { status: 'succeeded', attempts: 1 } },
    });
  });
});
