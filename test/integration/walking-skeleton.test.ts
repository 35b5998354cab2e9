import { WorkflowNotFoundError } from '@temporalio/client';
import { PermanentError } from '../../src/handlers/permanent-error';
import { waitUntil } from '../../src/stack/wait-until';
import { createTestStack, type TestStack } from '../harness/test-stack';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';

describe('walking skeleton: signed webhook → Temporal → activities → MongoDB', () => {
  let stack: TestStack;
  const calls = new Map<string, number>();

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, maxBodyBytes: 4096 } },
      routes: [
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'record' }] },
        { source: 'demo', events: ['flaky.created'], actions: [{ handler: 'flaky' }] },
        { source: 'demo', events: ['doomed.created'], actions: [{ handler: 'doomed' }] },
        { source: 'demo', events: ['echo.created'], actions: [{ handler: 'echo' }] },
      ],
      handlers: {
        record: (event) => ({ seen: event.id }),
        flaky: (event) => {
          const n = (calls.get(event.id) ?? 0) + 1;
          calls.set(event.id, n);
          if (n <= 2) throw new Error(`transient failure ${n}`);
          return { succeededOnCall: n };
        },
        echo: (event) => event.payload,
        doomed: () => {
          throw new PermanentError('this event can never be processed');
        },
      },
    });
  });

  afterAll(() => stack?.close());

  const describeWorkflow = (workflowId: string) => stack.client.workflow.getHandle(workflowId).describe();

  test('a signed event is acknowledged, recorded exactly, processed and completed in Temporal', async () => {
    const { id, body } = demoEvent();
    const response = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret', { 'x-trace': 't-1' }));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'accepted', workflowId: `demo:${id}` });

    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(doc).toMatchObject({
      source: 'demo',
      provider: 'hmac',
      eventId: id,
      type: 'order.paid',
      payload: JSON.parse(body),
      secretIndex: 1,
      attempts: 1,
      bodyBytes: Buffer.byteLength(body),
    });
    expect(Buffer.from(doc.rawBody!.buffer).toString('utf8')).toBe(body);
    expect(doc.headers['x-trace']).toBe('t-1');
    expect(doc.headers).not.toHaveProperty('x-signature');
    expect(doc.receivedAt).toBeInstanceOf(Date);

    expect(doc.actions).toEqual({
      'handler:record': {
        kind: 'handler',
        target: 'record',
        status: 'succeeded',
        attempts: 1,
        result: { seen: id },
        finishedAt: expect.any(Date),
      },
    });
    expect(doc.completedAt).toBeInstanceOf(Date);

    const description = await waitUntil(
      'workflow completed',
      async () => {
        const d = await describeWorkflow(`demo:${id}`);
        return d.status.name === 'COMPLETED' ? d : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(description.typedSearchAttributes.get({ name: 'HookflowSource', type: 'KEYWORD' } as never)).toBe('demo');
    expect(description.typedSearchAttributes.get({ name: 'HookflowEventType', type: 'KEYWORD' } as never)).toBe('order.paid');
  });

  test('the same event sent 5 times concurrently makes one workflow execution and one document', async () => {
    const { id, body } = demoEvent();
    const headers = hmacHeaders(body, 'test-secret');
    const responses = await Promise.all(Array.from({ length: 5 }, () => stack.post('/webhooks/demo', body, headers)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const statuses = responses.map((r) => r.json.status).sort();
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);

    await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(await stack.store.events.countDocuments({ eventId: id })).toBe(1);
    const executions = await waitUntil(
      'visibility to list the execution',
      async () => {
        const { count } = await stack.client.workflow.count(`WorkflowId = "demo:${id}"`);
        return count > 0 ? count : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(executions).toBe(1);

    // A later redelivery of a completed event is still a duplicate.
    const again = await stack.post('/webhooks/demo', body, headers);
    expect(again.json).toEqual({ status: 'duplicate', workflowId: `demo:${id}` });
  });

  test.each([
    ['a tampered body', (body: string) => ({ body: body.replace('4200', '4201'), headers: hmacHeaders(body, 'test-secret') })],
    ['a wrong secret', (body: string) => ({ body, headers: hmacHeaders(body, 'not-the-secret') })],
    ['a missing signature', (body: string) => ({ body, headers: { 'content-type': 'application/json' } })],
    ['a malformed signature', (body: string) => ({ body, headers: { 'content-type': 'application/json', 'x-signature': 'sha256=nothex' } })],
  ])('%s → 401 and no workflow', async (_name, make) => {
    const { id, body } = demoEvent();
    const request = make(body);
    const response = await stack.post('/webhooks/demo', request.body, request.headers);
    expect(response.status).toBe(401);
    expect(typeof response.json.error).toBe('string');
    await expect(describeWorkflow(`demo:${id}`)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await stack.store.events.countDocuments({ eventId: id })).toBe(0);
  });

  test('every bad input answers its status with a JSON error, and logs the reason but never the secret', async () => {
    const { body } = demoEvent();
    const signed = hmacHeaders(body, 'test-secret');

    const unknown = await stack.post('/webhooks/nope', body, signed);
    expect([unknown.status, unknown.json]).toEqual([404, { error: 'no source named "nope"' }]);

    const get = await stack.post('/webhooks/demo', '', {}, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.json.error).toMatch(/method not allowed/);

    const big = JSON.stringify({ id: 'big', type: 'order.paid', pad: 'x'.repeat(5000) });
    const tooLarge = await stack.post('/webhooks/demo', big, hmacHeaders(big, 'test-secret'));
    expect([tooLarge.status, tooLarge.json]).toEqual([413, { error: 'request body is larger than the limit of 4096 bytes' }]);

    const text = await stack.post('/webhooks/demo', body, { ...signed, 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.json.error).toMatch(/unsupported content type "text\/plain"/);

    const broken = '{"id": "evt_broken", ';
    const unparseable = await stack.post('/webhooks/demo', broken, hmacHeaders(broken, 'test-secret'));
    expect(unparseable.status).toBe(400);
    expect(unparseable.json.error).toMatch(/not valid JSON/);

    const anonymous = JSON.stringify({ type: 'order.paid' });
    const noId = await stack.post('/webhooks/demo', anonymous, hmacHeaders(anonymous, 'test-secret'));
    expect([noId.status, noId.json]).toEqual([400, { error: 'missing event ID field id in the body' }]);

    const wrong = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'nope'));
    expect(wrong.status).toBe(401);
    const logged = stack.logs.find((l) => l.reason === 'no_matching_signature');
    expect(logged).toMatchObject({ status: 401, source: 'demo', level: 40 });
    const allLogs = JSON.stringify(stack.logs);
    expect(allLogs).not.toContain('test-secret');
    expect(allLogs).not.toContain('old-secret');
    for (const status of [404, 405, 413, 415, 400]) {
      expect(stack.logs.some((l) => l.status === status && typeof l.msg === 'string')).toBe(true);
    }
  });

  test('a handler failing twice then succeeding ends succeeded with attempts = 3', async () => {
    const { id, body } = demoEvent('flaky.created');
    const response = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'old-secret'));
    expect(response.json.status).toBe('accepted');
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(doc.attempts).toBe(3);
    expect(doc.secretIndex).toBe(0);
    // A succeeded event carries no error: the failed attempts before it are in the workflow's history.
    expect(doc.lastError).toBeUndefined();
    expect(doc.actions['handler:flaky']).toMatchObject({ status: 'succeeded', attempts: 3, result: { succeededOnCall: 3 } });
    expect(calls.get(id)).toBe(3);
  });

  test('a PermanentError fails the event after one attempt and the workflow ends Failed', async () => {
    const { id, body } = demoEvent('doomed.created');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    const doc = await stack.waitForStatus(`demo:${id}`, 'failed');
    expect(doc).toMatchObject({ attempts: 1, failedAction: 'handler:doomed' });
    expect(doc.actions['handler:doomed']).toMatchObject({ status: 'failed', attempts: 1 });
    expect(doc.lastError).toMatch(/this event can never be processed/);
    await waitUntil(
      'workflow failed',
      async () => ((await describeWorkflow(`demo:${id}`)).status.name === 'FAILED' ? true : undefined),
      { timeoutMs: 10_000 },
    );
    // The provider's redelivery of a failed event runs it again under the same workflow ID.
    const retry = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    expect(retry.json).toEqual({ status: 'accepted', workflowId: `demo:${id}` });
  });

  test('a payload with keys MongoDB-protocol servers refuse is still recorded and handled exactly', async () => {
    const { id } = demoEvent();
    const payload = { id, type: 'echo.created', 'a.b': 1, $ref: { 'x.y': [1, { $z: null }] } };
    const body = JSON.stringify(payload);
    const headers = { ...hmacHeaders(body, 'test-secret'), 'x.dotted': 'yes' };
    expect((await stack.post('/webhooks/demo', body, headers)).json.status).toBe('accepted');
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(JSON.parse(doc.payloadJson!)).toEqual(payload);
    expect(doc.headers['x%2Edotted']).toBe('yes');
    expect(JSON.parse(doc.actions['handler:echo'].resultJson!)).toEqual(payload);
  });

  // FerretDB over PostgreSQL stores documents as jsonb, which holds no U+0000 in a string: the
  // write failed and recordEvent retried forever, so the event was acknowledged but never recorded.
  test('a payload and a handler result with NUL characters in strings are recorded and handled exactly', async () => {
    const { id } = demoEvent();
    const payload = { id, type: 'echo.created', note: 'a\u0000b', list: ['\u0000'] };
    const body = JSON.stringify(payload);
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))).json.status).toBe('accepted');
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(JSON.parse(doc.payloadJson!)).toEqual(payload);
    expect(JSON.parse(doc.actions['handler:echo'].resultJson!)).toEqual(payload);
  });

  test('an event ID or type with a NUL character is refused with 400, never acknowledged unrecordable', async () => {
    for (const [eventId, type] of [[`evt_\u0000${demoEvent().id}`, 'echo.created'], [demoEvent().id, 'echo\u0000created']]) {
      const body = JSON.stringify({ id: eventId, type });
      const answer = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(/NUL character/);
    }
  });

  test('an event no route matches is recorded as ignored', async () => {
    const { id, body } = demoEvent('customer.created');
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    const doc = await stack.waitForStatus(`demo:${id}`, 'ignored');
    expect(doc.actions).toEqual({});
    expect(doc.completedAt).toBeInstanceOf(Date);
  });
});
