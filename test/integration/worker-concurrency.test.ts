import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * `worker.maxConcurrentActions` caps the action attempts one worker runs at once (issue #10):
 * users cap a worker so it does not flood a downstream, and scale by adding workers.
 */
describe('worker.maxConcurrentActions', () => {
  let stack: TestStack;
  let running = 0;
  let peak = 0;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'slow' }] }],
      handlers: {
        async slow() {
          peak = Math.max(peak, ++running);
          await sleep(300);
          running--;
          return { ok: true };
        },
      },
      maxConcurrentActions: 2,
    });
  });

  afterAll(() => stack?.close());

  test('with a cap of 2, eight events never have more than 2 handlers running at once, and all succeed', async () => {
    const events = Array.from({ length: 8 }, () => demoEvent('order.paid'));
    const answers = await Promise.all(events.map(({ body }) => stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))));
    expect(answers.map((a) => a.json.status)).toEqual(Array(8).fill('accepted'));
    for (const { id } of events) await stack.waitForStatus(`demo:${id}`, 'succeeded', 60_000);
    expect(peak).toBe(2);
  });
});
