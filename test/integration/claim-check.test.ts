import { createHash } from 'node:crypto';
import { DEMO_SOURCE, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

describe('claim check: bodies over the threshold travel through MongoDB, not Temporal', () => {
  let stack: TestStack;
  const seen = new Map<string, { bytes: number; sha256: string }>();

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, maxBodyBytes: 4 * 1024 * 1024 } },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'measure' }] }],
      handlers: {
        measure: (event) => {
          const payload = event.payload as { id: string; rows: string[] };
          const text = JSON.stringify(payload);
          const digest = { bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
          seen.set(payload.id, digest);
          return digest;
        },
      },
    });
  });

  afterAll(() => stack?.close());

  test('a 3 MB body is acknowledged, stored once in MongoDB and processed with its full payload', async () => {
    const id = `evt_big_${Date.now().toString(36)}`;
    const rows = Array.from({ length: 30_000 }, (_, i) => `row ${i} ${'x'.repeat(88)}`);
    const body = JSON.stringify({ id, type: 'export.ready', rows });
    expect(body.length).toBeGreaterThan(3_000_000);

    const response = await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    expect(response.json).toEqual({ status: 'accepted', workflowId: `demo:${id}` });
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');

    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(doc).toMatchObject({ bodyId: sha256, bodyBytes: body.length });
    expect(doc.rawBody).toBeUndefined();
    expect(doc.payload).toBeUndefined();
    const stored = await stack.store.bodies.findOne({ _id: sha256 });
    expect(Buffer.from(stored!.rawBody.buffer).toString('utf8')).toBe(body);
    expect(seen.get(id)).toEqual({ bytes: body.length, sha256 });

    // Temporal saw only the reference: the workflow's input is a few hundred bytes, not 3 MB.
    const history = await stack.client.workflow.getHandle(`demo:${id}`).fetchHistory();
    const input = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0].data;
    expect(input?.length).toBeLessThan(4_096);
    expect(Buffer.from(input!).toString('utf8')).toContain(sha256);
  });

  test('a body under the threshold stays inline', async () => {
    const id = `evt_small_${Date.now().toString(36)}`;
    const body = JSON.stringify({ id, type: 'export.ready', rows: ['one'] });
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    const doc = await stack.waitForStatus(`demo:${id}`, 'succeeded');
    expect(doc.bodyId).toBeUndefined();
    expect(doc.payload).toEqual(JSON.parse(body));
  });
});
