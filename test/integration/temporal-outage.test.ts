import path from 'node:path';
import { freePort } from '../../src/stack/free-port';
import { startTemporalServer, type RunningServer } from '../../src/stack/temporal-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { testEnv } from '../harness/test-env';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * This suite stops Temporal, so it runs its own dev server (on its own SQLite file) rather
 * than the shared one.
 */
describe('acknowledging only what is durable', () => {
  let temporal: RunningServer;
  let stack: TestStack;
  let port: number;
  const dbFile = path.join(testEnv('dir'), `outage-${process.pid}.sqlite`);
  const start = () =>
    startTemporalServer({ port, dbFile, logFile: `${dbFile}.log`, log: (l) => process.stderr.write(`${l}\n`) });

  beforeAll(async () => {
    port = await freePort();
    temporal = await start();
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [{ source: 'demo', actions: [{ handler: 'ok' }] }],
      handlers: { ok: () => 'done' },
      temporalAddress: temporal.address,
      server: { ackTimeoutMs: 2_000, retryAfterSeconds: 7 },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await temporal?.stop();
  });

  test('Temporal stopped → 503 with Retry-After and nothing recorded; after it is back the retry succeeds', async () => {
    const before = demoEvent();
    const ok = await stack.post('/webhooks/demo', before.body, hmacHeaders(before.body, 'test-secret'));
    expect(ok.json.status).toBe('accepted');
    await stack.waitForStatus(`demo:${before.id}`, 'succeeded');

    await temporal.stop();
    const { id, body } = demoEvent();
    const headers = hmacHeaders(body, 'test-secret');
    const refused = await stack.post('/webhooks/demo', body, headers);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.json).toEqual({ error: 'the event could not be durably accepted; retry later' });
    expect(await stack.store.events.countDocuments({ eventId: id })).toBe(0);
    expect(stack.logs.some((l) => l.workflowId === `demo:${id}` && l.level === 50)).toBe(true);

    temporal = await start();
    // The provider's retry: same bytes, same signature.
    const retried = await stack.post('/webhooks/demo', body, headers);
    expect(retried.status).toBe(200);
    expect(retried.json).toEqual({ status: 'accepted', workflowId: `demo:${id}` });
    await stack.waitForStatus(`demo:${id}`, 'succeeded', 60_000);

    // State survived the restart on the same database file.
    const earlier = await stack.client.workflow.getHandle(`demo:${before.id}`).describe();
    expect(earlier.status.name).toBe('COMPLETED');
  });
});
