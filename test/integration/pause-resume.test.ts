import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { controlCommand } from '../../src/cli/control-command';
import { createBodyStore } from '../../src/store/body-store';
import { waitUntil } from '../../src/stack/wait-until';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const TOKEN = `admin-${randomBytes(16).toString('hex')}`;

/**
 * Issue #13, pause and resume: while a destination (a source) is paused its forwards (its
 * events) hold durably as `held`, with no attempt made, across a worker restart; on resume they
 * drain. Real receiver, admin API over HTTP, Temporal, MongoDB-protocol server and worker.
 */
describe('pause and resume a destination or a source', () => {
  const sourceSecret = randomBytes(24).toString('hex');
  const destinationSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const handled: string[] = [];
  let destination: DestinationServer;
  let stack: TestStack;
  let admin: RunningAdminServer;

  beforeAll(async () => {
    destination = await startDestinationServer(destinationSecret);
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [sourceSecret] }, shop: { ...DEMO_SOURCE, secrets: [sourceSecret] }, ops: { ...DEMO_SOURCE, secrets: [sourceSecret] } },
      destinations: {
        crm: { url: `${destination.url}/crm`, secrets: [destinationSecret], timeoutMs: 5_000 },
        flaky: { url: `${destination.url}/flaky`, secrets: [destinationSecret], timeoutMs: 5_000 },
      },
      routes: [
        // A retry a second after each failure: time enough to pause between two attempts.
        { source: 'ops', events: ['*'], retry: { initialIntervalMs: 1_000, backoffCoefficient: 1, maximumIntervalMs: 1_000, maximumAttempts: 10 }, actions: [{ forward: 'flaky' }] },
        { source: 'demo', events: ['*'], actions: [{ forward: 'crm' }, { handler: 'note' }] },
        { source: 'shop', events: ['*'], actions: [{ handler: 'note' }] },
      ],
      handlers: { note: (event) => void handled.push(event.id) },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token: TOKEN } };
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, controls: stack.store.controls, bodies: createBodyStore(stack.store.bodies), logger: pino({ level: 'silent' }) },
      '127.0.0.1',
      0,
    );
  });

  afterAll(async () => {
    await admin?.close();
    await stack?.close();
    await destination?.close();
  });

  const api = async (path: string, body: unknown = {}) => {
    const response = await fetch(`${admin.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: await response.json() };
  };
  const send = async (source: string) => {
    const { id, body } = demoEvent('order.paid');
    expect((await stack.post(`/webhooks/${source}`, body, hmacHeaders(body, sourceSecret))).json).toEqual({ status: 'accepted', workflowId: `${source}:${id}` });
    return id;
  };
  const forwardsOf = (id: string) => destination.requests('/crm').filter((r) => r.headers['webhook-id'] === `demo:${id}/forward:crm`);

  test('a paused destination holds its forwards with no attempt, across a worker restart; hookflow destinations resume drains them once', async () => {
    expect(await api('/destinations/crm/pause', { reason: 'CRM maintenance' })).toEqual({ status: 200, json: { kind: 'destination', name: 'crm', paused: true } });
    const id = await send('demo');
    // The handler runs; the forward is recorded held and never attempted.
    const held = await stack.waitForStatus(`demo:${id}`, 'processing');
    await stack.waitForWorkflow(`demo:${id}`, 'RUNNING');
    const doc = await waitUntil(
      'the handler beside the held forward to succeed',
      async () => {
        const d = await stack.store.events.findOne({ _id: `demo:${id}` });
        return d?.actions['handler:note']?.status === 'succeeded' ? d : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(held.actions['forward:crm'].status).toBe('held');
    expect(doc.actions['forward:crm']).toMatchObject({ status: 'held', attempts: 0 });
    expect(doc.heldOn).toEqual({ 'destination-crm': true });
    const description = await stack.client.workflow.getHandle(`demo:${id}`).describe();
    expect(description.raw.pendingActivities ?? []).toEqual([]);

    await stack.stopWorker();
    await stack.startWorker();
    expect(forwardsOf(id)).toEqual([]);

    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const code = await controlCommand('destinations', ['resume', 'crm'], { endpoint: () => ({ url: admin.url, token: TOKEN }) });
    log.mockRestore();
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^destination crm resumed: [1-9]\d* held event\(s\) told to go on$/);

    const done = await stack.waitForStatus(`demo:${id}`, 'succeeded', 30_000);
    expect(done.actions['forward:crm']).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(done.heldOn).toEqual({});
    expect(forwardsOf(id)).toHaveLength(1);
    expect(forwardsOf(id)[0].verified).toBe(true);
  });

  // The usual reason to pause: the destination is down and its forwards are failing. A forward
  // already between retries must not spend the rest of its attempts on it.
  test('a destination paused while its forward is failing: the next retry makes no attempt, the forward is held with none pending, and on resume it succeeds, counting on from its attempts', async () => {
    destination.script('/flaky', [{ status: 503 }, { status: 503 }]);
    const id = await send('ops');
    const workflowId = `ops:${id}`;
    await waitUntil('two failed attempts', async () => (destination.requests('/flaky').length === 2 ? true : undefined), { timeoutMs: 20_000, intervalMs: 20 });
    expect((await api('/destinations/flaky/pause', { reason: 'down' })).status).toBe(200);
    const held = await waitUntil(
      'the forward to be held',
      async () => {
        const doc = await stack.store.events.findOne({ _id: workflowId });
        return doc?.actions['forward:flaky']?.status === 'held' ? doc : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(held.heldOn).toEqual({ 'destination-flaky': true });
    // No attempt is scheduled, so none can be made while paused.
    const description = await stack.client.workflow.getHandle(workflowId).describe();
    expect(description.raw.pendingActivities ?? []).toEqual([]);
    expect(destination.requests('/flaky')).toHaveLength(2);

    expect((await api('/destinations/flaky/resume')).status).toBe(200);
    const done = await stack.waitForStatus(workflowId, 'succeeded', 30_000);
    expect(destination.requests('/flaky')).toHaveLength(3);
    expect(done.actions['forward:flaky']).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(done.heldOn ?? {}).toEqual({});
  });

  test('a paused source still verifies, acknowledges and records its deliveries; processing holds until resumed', async () => {
    expect((await api('/sources/shop/pause')).json).toEqual({ kind: 'source', name: 'shop', paused: true });
    const id = await send('shop');
    const held = await stack.waitForStatus(`shop:${id}`, 'held');
    expect(held.heldOn).toEqual({ 'source-shop': true });
    expect(held.actions['handler:note'].status).toBe('pending');
    expect(handled).not.toContain(id);
    // An unsigned delivery is still refused while paused.
    expect((await stack.post('/webhooks/shop', '{"id":"x","type":"y"}', { 'content-type': 'application/json' })).status).toBe(401);

    expect((await api('/sources/shop/resume')).json).toMatchObject({ kind: 'source', name: 'shop', paused: false, signalled: 1 });
    await stack.waitForStatus(`shop:${id}`, 'succeeded');
    expect(handled.filter((h) => h === id)).toHaveLength(1);
  });

  test('an unknown destination or source is a 404 naming it', async () => {
    expect(await api('/destinations/nope/pause')).toEqual({ status: 404, json: { error: 'no destination named "nope"' } });
    expect(await api('/sources/nope/resume')).toEqual({ status: 404, json: { error: 'no source named "nope"' } });
  });
});
