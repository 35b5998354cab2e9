import { WorkflowNotFoundError } from '@temporalio/client';
import { waitUntil } from '../../src/stack/wait-until';
import { openRaw } from '../harness/raw-http';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const HEADERS_TIMEOUT_MS = 1_000;
/** Far enough above the headers timeout that a loaded machine's late cut cannot be mistaken for it. */
const REQUEST_TIMEOUT_MS = 4_000;
/** Well above either timeout: Node checks them every 250 ms here, and CI machines are slow. */
const CUT_OFF_BOUND_MS = REQUEST_TIMEOUT_MS + 5_000;

/** Request head for a signed-looking JSON POST whose body we may never send. */
const head = (path: string, contentLength: number) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Signature: sha256=00\r\n` +
  `Content-Length: ${contentLength}\r\n\r\n`;

describe('ingress hardening: rate limit, IP allowlist, signature-failure counter, slow clients', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      server: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      sources: {
        demo: DEMO_SOURCE,
        limited: { ...DEMO_SOURCE, rateLimit: { ratePerSecond: 1, burst: 3 } },
        // One token, refilled once in 1000 s: empty for the rest of the suite once spent.
        trickle: { ...DEMO_SOURCE, rateLimit: { ratePerSecond: 0.001, burst: 1 } },
        private: { ...DEMO_SOURCE, allowIps: ['10.0.0.0/8'] },
        local: { ...DEMO_SOURCE, allowIps: ['127.0.0.1/32'] },
        docs: { ...DEMO_SOURCE, allowIps: ['203.0.113.0/24'] },
        counted: DEMO_SOURCE,
      },
    });
    // Warm the Temporal connection, so the rate-limit test measures the bucket and not a cold start.
    const { body } = demoEvent();
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))).status).toBe(200);
  });

  afterAll(() => stack?.close());

  const signedPost = (source: string, extra: Record<string, string> = {}) => {
    const event = demoEvent();
    return stack.post(`/webhooks/${source}`, event.body, hmacHeaders(event.body, 'test-secret', extra));
  };

  const expectNothingStarted = async (id: string, source: string) => {
    await expect(stack.client.workflow.getHandle(`${source}:${id}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await stack.store.events.countDocuments({ eventId: id })).toBe(0);
  };

  test('rateLimit {1/s, burst 3}: of 4 signed requests at once, 3 are accepted and 1 answers 429 with Retry-After', async () => {
    // Sent together so all four reach the bucket within milliseconds, before a token can refill.
    const responses = await Promise.all([1, 2, 3, 4].map(() => signedPost('limited')));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.json).toEqual({ error: 'rate limit exceeded for this source' });
    expect(responses.filter((r) => r.status === 200).every((r) => r.json.status === 'accepted')).toBe(true);
  });

  test('an empty bucket answers 429 on the headers alone, before any body is read', async () => {
    expect((await signedPost('trickle')).status).toBe(200);
    const connection = await openRaw(stack.receiver.url);
    try {
      connection.write(head('/webhooks/trickle', 100)); // and never the 100 bytes
      const response = await connection.response(REQUEST_TIMEOUT_MS - 500);
      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBe('1000');
      expect(JSON.parse(response.body)).toEqual({ error: 'rate limit exceeded for this source' });
    } finally {
      connection.destroy();
    }
  });

  test("allowIps ['10.0.0.0/8'] answers 403 to 127.0.0.1, on the headers alone, and starts nothing", async () => {
    const { id, body } = demoEvent();
    const response = await stack.post('/webhooks/private', body, hmacHeaders(body, 'test-secret'));
    expect(response.status).toBe(403);
    expect(response.json).toEqual({ error: 'address 127.0.0.1 may not deliver to this source' });
    await expectNothingStarted(id, 'private');

    const connection = await openRaw(stack.receiver.url);
    try {
      connection.write(head('/webhooks/private', 100));
      expect((await connection.response(REQUEST_TIMEOUT_MS - 500)).status).toBe(403);
    } finally {
      connection.destroy();
    }
  });

  test("allowIps ['127.0.0.1/32'] accepts a signed request from 127.0.0.1", async () => {
    const response = await signedPost('local');
    expect(response.status).toBe(200);
    expect(response.json.status).toBe('accepted');
  });

  test('without trustProxy, X-Forwarded-For is ignored: a client cannot claim an allowed address', async () => {
    const response = await signedPost('docs', { 'x-forwarded-for': '203.0.113.7' });
    expect(response.status).toBe(403);
    expect(response.json.error).toBe('address 127.0.0.1 may not deliver to this source');
  });

  test('signature failures are counted by source and reason; other refusals are not', async () => {
    const { body } = demoEvent();
    expect((await stack.post('/webhooks/counted', body, hmacHeaders(body, 'wrong-secret'))).status).toBe(401);
    expect((await stack.post('/webhooks/counted', body, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await stack.post('/webhooks/counted', body, hmacHeaders(body, 'wrong-secret'))).status).toBe(401);
    expect((await stack.post('/webhooks/counted', body, { 'content-type': 'text/plain' })).status).toBe(415);

    const counted = stack.signatureFailures.snapshot().filter((c) => c.source === 'counted');
    expect(counted).toEqual([
      { source: 'counted', reason: 'no_matching_signature', count: 2 },
      { source: 'counted', reason: 'missing_signature', count: 1 },
    ]);
  });

  test(`a client that stalls mid-body is answered 408 and cut off after requestTimeoutMs (${REQUEST_TIMEOUT_MS} ms), starting nothing`, async () => {
    const { id, body } = demoEvent();
    const signature = hmacHeaders(body, 'test-secret')['x-signature'];
    const connection = await openRaw(stack.receiver.url);
    try {
      connection.write(
        `POST /webhooks/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `X-Signature: ${signature}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`,
      );
      const elapsed = await connection.closed(CUT_OFF_BOUND_MS);
      expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50); // not cut early
      expect((await connection.response(0)).status).toBe(408);
    } finally {
      connection.destroy();
    }
    // The handler was waiting in readBody; once the cut makes it give up, nothing was started.
    // The cut itself is logged through the logger, not Koa's default stderr trace.
    await waitUntil(
      'the receiver to log the aborted request and the cut',
      async () =>
        stack.logs.some((l) => l.status === 400 && l.source === 'demo' && /aborted/.test(String(l.msg))) &&
        stack.logs.some((l) => l.code === 'ERR_HTTP_REQUEST_TIMEOUT' && l.path === '/webhooks/demo')
          ? true
          : undefined,
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    await expectNothingStarted(id, 'demo');
  });

  test(`a client that never finishes its headers is answered 408 and cut off after headersTimeoutMs (${HEADERS_TIMEOUT_MS} ms)`, async () => {
    const connection = await openRaw(stack.receiver.url);
    try {
      connection.write('POST /webhooks/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n');
      const elapsed = await connection.closed(CUT_OFF_BOUND_MS);
      expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS); // the headers timeout, not the request timeout
      expect((await connection.response(0)).status).toBe(408);
    } finally {
      connection.destroy();
    }
  });
});

describe('ingress hardening behind a trusted proxy (trustProxy: true)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      server: { trustProxy: true },
      sources: { docs: { ...DEMO_SOURCE, allowIps: ['203.0.113.0/24'] } },
    });
  });

  afterAll(() => stack?.close());

  const post = (forwardedFor?: string) => {
    const { body } = demoEvent();
    const extra: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
    return stack.post('/webhooks/docs', body, hmacHeaders(body, 'test-secret', extra));
  };

  test("allowIps ['203.0.113.0/24'] accepts X-Forwarded-For: 203.0.113.7", async () => {
    const response = await post('203.0.113.7');
    expect(response.status).toBe(200);
    expect(response.json.status).toBe('accepted');
  });

  test("allowIps ['203.0.113.0/24'] answers 403 to X-Forwarded-For: 198.51.100.1", async () => {
    const response = await post('198.51.100.1');
    expect(response.status).toBe(403);
    expect(response.json).toEqual({ error: 'address 198.51.100.1 may not deliver to this source' });
  });

  test('the first X-Forwarded-For entry is the client; without the header the socket address is', async () => {
    expect((await post('203.0.113.9, 10.0.0.1')).status).toBe(200);
    expect((await post('10.0.0.1, 203.0.113.9')).status).toBe(403);
    expect((await post()).status).toBe(403);
  });
});
