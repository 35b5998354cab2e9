import { randomBytes, randomInt } from 'node:crypto';
import type { HandlerEvent } from '../../src/handlers/types';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #13, transformations: a route's transform runs as a durable step before its actions, its
 * output is recorded on the event, forwards send the transformed body, and a throwing transform
 * fails the event without retries. Real receiver, Temporal, MongoDB-protocol server and worker.
 */
describe('route transforms: the actions get what the transform returned', () => {
  const sourceSecret = randomBytes(24).toString('hex');
  const destinationSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const calls: { transform: string; id: string }[] = [];
  const handled: HandlerEvent[] = [];
  let destination: DestinationServer;
  let stack: TestStack;

  beforeAll(async () => {
    destination = await startDestinationServer(destinationSecret);
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [sourceSecret] } },
      destinations: { crm: { url: `${destination.url}/crm`, secrets: [destinationSecret], timeoutMs: 5_000 } },
      routes: [
        { source: 'demo', events: ['order.*'], transform: 'toCrm', actions: [{ forward: 'crm' }, { handler: 'audit' }] },
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'raw' }] },
        { source: 'demo', events: ['broken.*'], transform: 'explode', actions: [{ forward: 'crm' }] },
        { source: 'demo', events: ['invalid.*'], transform: 'noPayload', actions: [{ handler: 'audit' }] },
      ],
      transforms: {
        toCrm: (event) => {
          calls.push({ transform: 'toCrm', id: event.id });
          const { data } = event.payload as { data: { amount: number; currency: string } };
          return { payload: { cents: data.amount, currency: data.currency.toUpperCase(), ref: event.id }, headers: { 'X-Crm-Tenant': 't-42' }, type: 'crm.sale' };
        },
        explode: (event) => {
          calls.push({ transform: 'explode', id: event.id });
          throw new Error('cannot map this order');
        },
        noPayload: (event) => {
          calls.push({ transform: 'noPayload', id: event.id });
          return { headers: {} } as never;
        },
      },
      handlers: {
        audit: (event) => void handled.push(event),
        raw: (event) => void handled.push(event),
      },
      retry: { initialIntervalMs: 100, maximumIntervalMs: 200 },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await destination?.close();
  });

  const send = async (type: string) => {
    const amount = randomInt(1, 1_000_000);
    const { id, body } = demoEvent(type, { data: { amount, currency: 'eur' } });
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, sourceSecret))).json.status).toBe('accepted');
    return { id, amount, body };
  };

  test('the forward sends the transformed body, type and headers, signed; the handler sees them; the output is recorded once', async () => {
    const { id, amount, body } = await send('order.paid');
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    const output = { payload: { cents: amount, currency: 'EUR', ref: id }, headers: { 'x-crm-tenant': 't-42' }, type: 'crm.sale' };
    expect(doc.transforms).toEqual({ toCrm: output });
    expect(doc.actions['forward:crm'].status).toBe('succeeded');
    expect(calls.filter((c) => c.id === id)).toEqual([{ transform: 'toCrm', id }]);

    const [request] = destination.requests('/crm').filter((r) => r.headers['webhook-id'] === `demo:${id}/forward:crm`);
    expect(request.verified).toBe(true);
    expect(request.headers['x-crm-tenant']).toBe('t-42');
    expect(JSON.parse(request.body)).toMatchObject({ id, type: 'crm.sale', source: 'demo', data: output.payload });

    // The route's own handler gets the transformed event; the other route's handler the original.
    const audit = handled.find((e) => e.id === id && e.type === 'crm.sale');
    expect(audit).toMatchObject({ payload: output.payload, headers: expect.objectContaining({ 'x-crm-tenant': 't-42' }) });
    const raw = handled.find((e) => e.id === id && e.type === 'order.paid');
    expect(raw?.payload).toEqual(JSON.parse(body));
  });

  test('a throwing transform fails the event at once: not retried, its error recorded, the actions skipped, the workflow Failed', async () => {
    const { id } = await send('broken.order');
    const doc = await stack.waitForStatus(`demo:${id}`, 'failed');
    expect(doc.lastError).toBe('transform:explode: cannot map this order');
    expect(doc.failedAction).toBe('transform:explode');
    expect(doc.actions['forward:crm'].status).toBe('skipped');
    await stack.waitForWorkflow(`demo:${id}`, 'FAILED');
    expect(calls.filter((c) => c.id === id)).toHaveLength(1);
    expect(destination.requests('/crm').filter((r) => r.headers['webhook-id'] === `demo:${id}/forward:crm`)).toEqual([]);
  });

  test('a transform that returns no payload fails the event the same way, saying what was wrong', async () => {
    const { id } = await send('invalid.order');
    const doc = await stack.waitForStatus(`demo:${id}`, 'failed');
    expect(doc.lastError).toBe('transform:noPayload: must return an object with a payload ({ payload, headers?, type? })');
    expect(doc.actions['handler:audit'].status).toBe('skipped');
    expect(calls.filter((c) => c.id === id)).toHaveLength(1);
    expect(handled.some((e) => e.id === id)).toBe(false);
  });
});
