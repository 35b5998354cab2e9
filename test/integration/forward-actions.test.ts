import { randomBytes } from 'node:crypto';
import { PermanentError } from '../../src/handlers/permanent-error';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

describe('forward actions: signed POSTs to an internal URL, retried by status', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  let destination: DestinationServer;
  let stack: TestStack;

  beforeAll(async () => {
    destination = await startDestinationServer(secret);
    const to = (path: string, timeoutMs = 5_000) => ({ url: `${destination.url}${path}`, secrets: [secret], timeoutMs });
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      destinations: {
        flaky: to('/flaky'),
        rejecting: to('/rejecting'),
        throttling: to('/throttling'),
        slow: { ...to('/slow', 500), headers: { authorization: 'Bearer internal-token' } },
        ledger: to('/ledger'),
      },
      routes: [
        { source: 'demo', events: ['flaky.*'], actions: [{ forward: 'flaky' }] },
        { source: 'demo', events: ['rejected.*'], actions: [{ forward: 'rejecting' }] },
        { source: 'demo', events: ['throttled.*'], actions: [{ forward: 'throttling' }] },
        { source: 'demo', events: ['slow.*'], actions: [{ forward: 'slow' }] },
        { source: 'demo', events: ['fanout.*'], actions: [{ forward: 'ledger' }, { handler: 'refuse' }] },
        { source: 'demo', events: ['both.*'], actions: [{ forward: 'ledger' }, { handler: 'tag' }] },
        { source: 'demo', events: ['both.*'], actions: [{ forward: 'ledger' }] },
      ],
      handlers: {
        tag: (event) => ({ tagged: event.id }),
        refuse: () => {
          throw new PermanentError('the CRM refuses this customer');
        },
      },
      retry: { initialIntervalMs: 100, maximumIntervalMs: 200 },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await destination?.close();
  });

  test('503 twice then 200 → succeeded after 3 attempts, each signed and verified by the destination', async () => {
    destination.script('/flaky', [{ status: 503 }, { status: 503 }, { status: 200, body: '{"stored":true}' }]);
    const { id, body } = demoEvent('flaky.created');
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))).json.status).toBe('accepted');

    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(doc.attempts).toBe(3);
    expect(doc.actions['forward:flaky']).toMatchObject({
      kind: 'forward',
      target: 'flaky',
      status: 'succeeded',
      attempts: 3,
      result: { status: 200, body: '{"stored":true}' },
    });
    // A succeeded event carries no error: the failed attempts before it are in the workflow's history.
    expect(doc.lastError).toBeUndefined();

    const requests = destination.requests('/flaky');
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.verified)).toBe(true);
    // One message, retried: the same webhook-id every time, so the destination can deduplicate.
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([`demo:${id}/forward:flaky`]));
    expect(JSON.parse(requests[0].body)).toEqual({
      id,
      type: 'flaky.created',
      timestamp: doc.receivedAt.toISOString(),
      source: 'demo',
      provider: 'hmac',
      data: JSON.parse(body),
    });
  });

  test('400 → failed after one attempt, the workflow Failed, the error naming the destination but not its URL', async () => {
    destination.script('/rejecting', [{ status: 400, body: '{"error":"unknown account"}' }]);
    const { id, body } = demoEvent('rejected.created');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));

    const doc = await stack.waitForStatus(`demo:${id}`, 'failed');
    expect(doc).toMatchObject({ attempts: 1, failedAction: 'forward:rejecting' });
    expect(doc.actions['forward:rejecting']).toMatchObject({ status: 'failed', attempts: 1 });
    expect(doc.lastError).toMatch(/^forward:rejecting: HTTP 400.*unknown account/);
    expect(doc.lastError).not.toContain(destination.url);
    await stack.waitForWorkflow(`demo:${id}`, 'FAILED');
    expect(destination.requests('/rejecting')).toHaveLength(1);
  });

  test('429 with Retry-After: 8 → the next attempt waits 8 s instead of the 100 ms backoff', async () => {
    destination.script('/throttling', [
      { status: 429, headers: { 'retry-after': '8' } },
      { status: 503 }, // no Retry-After: the route's backoff applies again
      { status: 200 },
    ]);
    const { id, body } = demoEvent('throttled.created');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));

    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(doc.attempts).toBe(3);
    const [first, second, third] = destination.requests('/throttling').map((r) => r.at);
    expect(second - first).toBeGreaterThanOrEqual(7_950);
    // The baseline in the same run: without Retry-After the retry follows the backoff. 8 s
    // leaves room for a loaded machine, where a 100 ms backoff was seen to take 1.9 s.
    expect(third - second).toBeLessThan(6_000);
  });

  test('a destination slower than timeoutMs → the attempt times out and is retried', async () => {
    destination.script('/slow', [{ status: 200, delayMs: 3_000 }, { status: 200 }]);
    const { id, body } = demoEvent('slow.created');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));

    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(doc.attempts).toBe(2);
    // The first attempt's failure is where Temporal keeps it: on the started event of the attempt after it.
    const history = (await stack.client.workflow.getHandle(`demo:${id}`).fetchHistory()).events ?? [];
    const lastFailures = history.map((e) => e.activityTaskStartedEventAttributes?.lastFailure?.message).filter(Boolean);
    expect(lastFailures).toEqual(['timed out after 500 ms']);
    const requests = destination.requests('/slow');
    expect(requests).toHaveLength(2);
    expect(requests[1].headers.authorization).toBe('Bearer internal-token');
    expect(requests.every((r) => r.verified)).toBe(true);
  });

  test('fan-out with one failing action → event failed naming it, the other action recorded as succeeded', async () => {
    const { id, body } = demoEvent('fanout.created');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));

    const doc = await stack.waitForStatus(`demo:${id}`, 'failed');
    expect(doc.failedAction).toBe('handler:refuse');
    expect(doc.lastError).toBe('handler:refuse: the CRM refuses this customer');
    expect(doc.actions['forward:ledger']).toMatchObject({ status: 'succeeded', attempts: 1, result: { status: 200 } });
    expect(doc.actions['handler:refuse']).toMatchObject({ status: 'failed', attempts: 1 });
    expect(destination.requests('/ledger').filter((r) => JSON.parse(r.body).id === id)).toHaveLength(1);
    await stack.waitForWorkflow(`demo:${id}`, 'FAILED');
  });

  test('fan-out where every action succeeds → succeeded, each action with its own record', async () => {
    const { id, body } = demoEvent('both.created');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));

    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    // Two routes may name the same destination: each delivery is its own action.
    expect(Object.keys(doc.actions).sort()).toEqual(['forward:ledger', 'forward:ledger#2', 'handler:tag']);
    expect(doc.actions['handler:tag']).toMatchObject({ status: 'succeeded', attempts: 1, result: { tagged: id } });
    expect(doc.actions['forward:ledger']).toMatchObject({ status: 'succeeded', attempts: 1, result: { status: 200 } });
    expect(doc.actions['forward:ledger#2']).toMatchObject({ status: 'succeeded', attempts: 1, result: { status: 200 } });
    const deliveries = destination.requests('/ledger').filter((r) => JSON.parse(r.body).id === id);
    expect(deliveries.map((r) => r.headers['webhook-id']).sort()).toEqual([
      `demo:${id}/forward:ledger`,
      `demo:${id}/forward:ledger#2`,
    ]);
  });
});
