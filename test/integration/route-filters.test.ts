import { randomBytes, randomInt } from 'node:crypto';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #13, filters: evaluated at ingress with the plan, over the body, the headers and the
 * query, on the real stack (receiver over HTTP, Temporal, the MongoDB-protocol server, a worker).
 */
describe('route filters: only the routes whose filter holds run; an event no route takes is ignored, with why', () => {
  const secret = randomBytes(24).toString('hex');
  const ran: { handler: string; id: string }[] = [];
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [secret] } },
      routes: [
        {
          source: 'demo',
          name: 'big-orders',
          events: ['order.*'],
          filter: { body: { 'data.amount': { $gte: 1000 } }, headers: { 'X-Shop-Domain': { $in: ['a.example', 'b.example'] } } },
          actions: [{ handler: 'big' }],
        },
        {
          source: 'demo',
          events: ['order.paid'],
          filter: { query: { region: 'eu' }, body: { $or: [{ 'data.lines.sku': { $regex: '^vip-' } }, { 'data.currency': { $regex: '(?i)^chf$' } }] } },
          actions: [{ handler: 'eu' }],
        },
      ],
      handlers: {
        big: (event) => void ran.push({ handler: 'big', id: event.id }),
        eu: (event) => void ran.push({ handler: 'eu', id: event.id }),
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const send = async (query: string, data: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const { id, body } = demoEvent('order.paid', { data });
    const answer = await stack.post(`/webhooks/demo${query}`, body, hmacHeaders(body, secret, headers));
    expect(answer).toMatchObject({ status: 200, json: { status: 'accepted', workflowId: `demo:${id}` } });
    return id;
  };

  test('an event both filters take runs both routes, and its document lists no refusal', async () => {
    const amount = randomInt(1000, 1_000_000);
    const id = await send('?region=eu', { amount, currency: 'eur', lines: [{ sku: 'std-1' }, { sku: `vip-${randomInt(1e6)}` }] }, { 'x-shop-domain': 'b.example' });
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(Object.keys(doc.actions).sort()).toEqual(['handler:big', 'handler:eu']);
    expect(doc.refusedBy).toBeUndefined();
    expect(ran.filter((r) => r.id === id).map((r) => r.handler).sort()).toEqual(['big', 'eu']);
  });

  test('an event one filter refuses runs only the other route, and the document says which refused it and why', async () => {
    const amount = randomInt(1, 1000);
    const id = await send('?region=eu&region=us', { amount, currency: 'CHF', lines: [] }, { 'x-shop-domain': 'a.example' });
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(Object.keys(doc.actions)).toEqual(['handler:eu']);
    expect(doc.refusedBy).toEqual([{ route: 'big-orders', reason: `body.data.amount is ${amount}, not $gte 1000` }]);
    expect(ran.filter((r) => r.id === id).map((r) => r.handler)).toEqual(['eu']);
  });

  test('an event no route takes is recorded ignored, with each route and why, its workflow completed and no handler run', async () => {
    const amount = randomInt(1000, 1_000_000);
    const id = await send('?region=us', { amount, currency: 'eur', lines: [{ sku: 'std-2' }] }, { 'x-shop-domain': 'evil.example' });
    const doc = await stack.waitForStatus(`demo:${id}`, 'ignored');
    expect(doc.actions).toEqual({});
    expect(doc.refusedBy).toEqual([
      { route: 'big-orders', reason: 'headers.x-shop-domain is "evil.example", not $in ["a.example","b.example"]' },
      { route: 'routes.1', reason: 'query.region is "us", not $eq "eu"' },
    ]);
    await stack.waitForWorkflow(`demo:${id}`, 'COMPLETED');
    expect(ran.filter((r) => r.id === id)).toEqual([]);
  });
});
