import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { createBodyStore } from '../../src/store/body-store';
import { waitUntil } from '../../src/stack/wait-until';
import { alertsAt, slackAt, waitForAlert } from '../harness/alert-inbox';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #13, the circuit breaker: after 3 failed forward attempts in a row the destination
 * pauses itself (the operator's durable pause: new forwards are `held`), destination.paused and
 * destination.failing open once; a probe after the cool-down that gets a 2xx resumes it, the
 * held forward drains, and both alerts resolve once. Real stack; the destination and the alert
 * receiver are local HTTP servers verifying with the `standardwebhooks` package.
 */
describe('a destination circuit breaker', () => {
  const sourceSecret = randomBytes(24).toString('hex');
  const destinationSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const alertSecret = `whsec_${randomBytes(32).toString('base64')}`;
  let destination: DestinationServer;
  let inbox: DestinationServer;
  let stack: TestStack;
  let admin: RunningAdminServer;
  const token = `admin-${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    destination = await startDestinationServer(destinationSecret);
    inbox = await startDestinationServer(alertSecret);
    const webhook = { url: `${inbox.url}/hook`, secrets: [alertSecret] };
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [sourceSecret] }, pay: { ...DEMO_SOURCE, secrets: [sourceSecret] } },
      destinations: {
        crm: { url: `${destination.url}/crm`, secrets: [destinationSecret], timeoutMs: 5_000, circuitBreaker: { failures: 3, within: '1m', coolDown: '1s' } },
        erp: { url: `${destination.url}/erp`, secrets: [destinationSecret], timeoutMs: 5_000 },
        billing: { url: `${destination.url}/billing`, secrets: [destinationSecret], timeoutMs: 5_000, circuitBreaker: { failures: 2, coolDown: 'manual' } },
      },
      // One attempt per event: each failed event is one failed attempt.
      routes: [
        { source: 'demo', events: ['*'], actions: [{ forward: 'crm' }], retry: { maximumAttempts: 1 } },
        { source: 'pay', events: ['*'], actions: [{ forward: 'billing' }], retry: { maximumAttempts: 1 } },
      ],
      alerts: {
        rules: [
          { name: 'paused', on: 'destination.paused', destinations: ['crm'], slack: `${inbox.url}/slack`, webhook },
          { name: 'erp-paused', on: 'destination.paused', destinations: ['erp'], repeatEvery: '2s', webhook },
          { name: 'failing', on: 'destination.failing', destinations: ['crm'], rate: 0.5, minAttempts: 3, window: '5m', webhook },
        ],
      },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token } };
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
    await inbox?.close();
  });

  const send = async (source = 'demo') => {
    const { id, body } = demoEvent('order.paid');
    expect((await stack.post(`/webhooks/${source}`, body, hmacHeaders(body, sourceSecret))).status).toBe(200);
    return `${source}:${id}`;
  };
  const api = async (path: string, body: unknown) =>
    (await fetch(`${admin.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
  const heldForward = (workflowId: string, action: string) =>
    waitUntil('the forward to be held', async () => {
      const d = await stack.store.events.findOne({ _id: workflowId });
      return d?.actions[action]?.status === 'held' ? d : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
  const forwardsOf = (workflowId: string) => destination.requests('/crm').filter((r) => r.headers['webhook-id'] === `${workflowId}/forward:crm`);
  const probes = () => destination.requests('/crm').filter((r) => String(r.headers['webhook-id']).startsWith('probe/crm/'));

  test('opens after 3 failures in a row, holds the next forward as held, and closes after a successful probe', async () => {
    // Down until told otherwise: events and probes alike get a 503.
    destination.script('/crm', Array.from({ length: 1_000 }, () => ({ status: 503, body: 'maintenance' })));
    const failed = [await send(), await send(), await send()];
    for (const id of failed) await stack.waitForStatus(id, 'failed');

    const control = await waitUntil('the breaker to pause crm', async () => (await stack.store.controls.findOne({ _id: 'destination-crm', paused: true })) ?? undefined, { timeoutMs: 30_000, intervalMs: 100 });
    expect(control).toMatchObject({ by: 'breaker', reason: expect.stringMatching(/^circuit breaker: 3 forward attempts in a row failed within 60000 ms \(last: HTTP 503 Service Unavailable: maintenance\)$/) });
    const opened = await waitForAlert(inbox, '/hook', 'paused', 'alert.opened');
    expect(opened).toMatchObject({ verified: true, data: { on: 'destination.paused', subject: 'crm' } });
    expect(opened.data.summary).toContain('destination crm is paused (last: circuit breaker: 3 forward attempts');
    const failing = await waitForAlert(inbox, '/hook', 'failing', 'alert.opened');
    expect(failing.data.summary).toMatch(/^100% of 3 forward attempts to crm failed in the last 5m/);

    // Paused: the next event's forward is held, never attempted.
    const held = await send();
    const doc = await waitUntil('the forward to be held', async () => {
      const d = await stack.store.events.findOne({ _id: held });
      return d?.actions['forward:crm']?.status === 'held' ? d : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    expect(doc.actions['forward:crm']).toMatchObject({ status: 'held', attempts: 0 });
    expect(doc.heldOn).toEqual({ 'destination-crm': true });
    // Probes go on failing meanwhile, each one signed request.
    await waitUntil('a failed probe', async () => (probes().length > 0 ? true : undefined), { timeoutMs: 20_000, intervalMs: 100 });
    expect(forwardsOf(held)).toEqual([]);
    expect((await stack.store.controls.findOne({ _id: 'destination-crm' }))?.paused).toBe(true);

    // Back up: the next probe succeeds, the breaker resumes crm and the held forward drains once.
    destination.script('/crm', []);
    const done = await stack.waitForStatus(held, 'succeeded', 30_000);
    expect(done.actions['forward:crm']).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(forwardsOf(held)).toHaveLength(1);
    expect(forwardsOf(held)[0]!.verified).toBe(true);
    const probe = probes().at(-1)!;
    expect(probe.verified).toBe(true);
    expect(JSON.parse(probe.body)).toMatchObject({ type: 'hookflow.probe', data: { destination: 'crm' } });
    const control2 = await stack.store.controls.findOne({ _id: 'destination-crm' });
    expect(control2?.paused).toBe(false);
    expect(control2?.by).toBeUndefined();

    const resolved = await waitForAlert(inbox, '/hook', 'paused', 'alert.resolved');
    expect(resolved.data.summary).toMatch(/^destination crm is no longer paused \(last: a probe succeeded \(200\)\)$/);
    expect(alertsAt(inbox, '/hook', 'paused').map((a) => a.type)).toEqual(['alert.opened', 'alert.resolved']);
    expect(slackAt(inbox, '/slack', 'paused')).toHaveLength(2);

    // 3 of 4 attempts failed so far (the probes are not forwards). It resolves below 0.4 (the
    // default resolveRate, 0.8 of the rate): 3 of 7 (0.43) is not enough, 3 of 9 (0.33) is.
    for (let i = 0; i < 5; i++) await stack.waitForStatus(await send(), 'succeeded');
    const cleared = await waitForAlert(inbox, '/hook', 'failing', 'alert.resolved');
    expect(cleared.verified).toBe(true);
    expect(alertsAt(inbox, '/hook', 'failing').map((a) => a.type)).toEqual(['alert.opened', 'alert.resolved']);
  });

  test("an operator's pause opens destination.paused, reminds at most every repeatEvery while it lasts, and the resume resolves it once", async () => {
    expect(await api('/destinations/erp/pause', { reason: 'ERP upgrade' })).toBe(200);
    const opened = await waitForAlert(inbox, '/hook', 'erp-paused', 'alert.opened');
    expect(opened.data.summary).toBe('destination erp is paused (last: paused by an operator: ERP upgrade)');
    await waitForAlert(inbox, '/hook', 'erp-paused', 'alert.repeated');
    expect(await api('/destinations/erp/resume', {})).toBe(200);
    const resolved = await waitForAlert(inbox, '/hook', 'erp-paused', 'alert.resolved');
    expect(resolved.data.summary).toBe('destination erp is no longer paused (last: resumed by an operator)');
    const sent = alertsAt(inbox, '/hook', 'erp-paused');
    expect(sent[0]!.type).toBe('alert.opened');
    expect(sent.at(-1)!.type).toBe('alert.resolved');
    const repeats = sent.filter((a) => a.type === 'alert.repeated');
    expect(repeats.length).toBeGreaterThanOrEqual(1);
    // Never two notifications closer than repeatEvery, except the resolution.
    const times = sent.slice(0, -1).map((a) => Date.parse(a.data.at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(2_000);
    expect(new Set(sent.map((a) => a.webhookId)).size).toBe(sent.length);
    expect(sent.every((a) => a.verified)).toBe(true);
  });

  test("a manual breaker sends no probe; an operator's resume closes it at once and drains what it held", async () => {
    destination.script('/billing', Array.from({ length: 100 }, () => ({ status: 502 })));
    for (const id of [await send('pay'), await send('pay')]) await stack.waitForStatus(id, 'failed');
    await waitUntil('the breaker to pause billing', async () => (await stack.store.controls.findOne({ _id: 'destination-billing', paused: true, by: 'breaker' })) ?? undefined, { timeoutMs: 30_000, intervalMs: 100 });
    const held = await send('pay');
    expect((await heldForward(held, 'forward:billing')).actions['forward:billing']).toMatchObject({ status: 'held', attempts: 0 });

    destination.script('/billing', []);
    expect(await api('/destinations/billing/resume', {})).toBe(200);
    await stack.waitForStatus(held, 'succeeded');
    // Told by the resume, the breaker let go at once rather than at its 30 s poll: its workflow ended.
    await stack.waitForWorkflow(`${stack.config.temporal.taskQueue}/breaker/billing`, 'COMPLETED', 10_000);
    expect(destination.requests('/billing').filter((r) => String(r.headers['webhook-id']).startsWith('probe/'))).toEqual([]);
    expect((await stack.store.controls.findOne({ _id: 'destination-billing' }))?.paused).toBe(false);
  });
});
