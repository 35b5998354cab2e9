import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ForwardError } from '../../../src/forward/forward-error';
import { forwardEvent, type ForwardRequest, RESULT_BODY_CHARS } from '../../../src/forward/forward-event';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const previousSecret = `whsec_${Buffer.from('the previous key, 32 bytes long!').toString('base64')}`;
const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2026-11-23T09:59:59Z', data: { id: 'inv_1' } });
const token = 's3cr3t-query-token';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Which of our secrets the official library verified the delivery with. */
  verifiedWith: string[];
}

const seen: Seen[] = [];
/** Resolves when the endless response's connection closes, i.e. the client let go of it. */
let endlessClosed: Promise<unknown> = Promise.resolve();

function verifiedWith(headers: IncomingHttpHeaders, raw: string): string[] {
  return [secret, previousSecret].filter((key) => {
    try {
      new Webhook(key).verify(raw, headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  });
}

function respond(path: string, res: ServerResponse): void {
  switch (path) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/plain' }).end('accepted');
      return;
    case '/empty':
      res.writeHead(204).end();
      return;
    case '/unavailable':
      res.writeHead(503, { 'retry-after': '7' }).end('overloaded,\n  try later');
      return;
    case '/busy':
      res.writeHead(429).end();
      return;
    case '/bad':
      res.writeHead(400).end('missing field "type"');
      return;
    case '/broken':
      res.writeHead(500).end('x'.repeat(10_000));
      return;
    case '/moved':
      res.writeHead(301, { location: `/ok?token=${token}` }).end();
      return;
    case '/endless': {
      endlessClosed = once(res, 'close');
      res.on('error', () => undefined); // writes racing the client's disconnect
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
      return;
    }
    case '/hang':
      return; // never answers
    default:
      res.writeHead(404).end();
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, headers: req.headers, body: raw, verifiedWith: verifiedWith(req.headers, raw) });
    respond(path, res);
  });
});
let base = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  // The hanging requests' sockets would otherwise keep close() waiting.
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  seen.length = 0;
});

function request(path: string, overrides: Partial<ForwardRequest> = {}): ForwardRequest {
  return {
    destination: 'billing',
    url: `${base}${path}?token=${token}`,
    secrets: [secret],
    timeoutMs: 5000,
    messageId: 'msg_hookflow_wf-1_forward-billing',
    body,
    ...overrides,
  };
}

/** The ForwardError `promise` rejects with; fails when it resolves or rejects with anything else. */
async function forwardError(promise: Promise<unknown>): Promise<ForwardError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a ForwardError, the forward succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ForwardError);
  return error as ForwardError;
}

describe('forwardEvent', () => {
  test('forwardEvent() resolves with the status and body of a 200', async () => {
    await expect(forwardEvent(request('/ok'))).resolves.toEqual({ status: 200, body: 'accepted' });
    await expect(forwardEvent(request('/empty'))).resolves.toEqual({ status: 204, body: '' });
  });

  test('forwardEvent() sends a body the receiver verifies with standardwebhooks, under each secret', async () => {
    await forwardEvent(request('/ok', { secrets: [secret, previousSecret] }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ body, verifiedWith: [secret, previousSecret] });
    expect(seen[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'hookflow',
      'webhook-id': 'msg_hookflow_wf-1_forward-billing',
    });
    expect(String(seen[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  });

  test('forwardEvent() keeps webhook-id across attempts and signs each with its own timestamp', async () => {
    const first = new Date(Date.now() - 60_000);
    const second = new Date();
    await forwardEvent(request('/ok'), { now: () => first });
    await forwardEvent(request('/ok'), { now: () => second });
    expect(seen.map((s) => s.headers['webhook-id'])).toEqual([
      'msg_hookflow_wf-1_forward-billing',
      'msg_hookflow_wf-1_forward-billing',
    ]);
    expect(seen.map((s) => s.headers['webhook-timestamp'])).toEqual(
      [first, second].map((d) => String(Math.floor(d.getTime() / 1000))),
    );
    expect(seen.map((s) => s.verifiedWith)).toEqual([[secret], [secret]]);
  });

  test('forwardEvent() sends the extra headers, which cannot replace the signed ones or content-type', async () => {
    const headers = {
      Authorization: 'Bearer internal-token',
      'x-tenant': 'acme',
      'webhook-signature': 'v1,forged',
      'Webhook-Id': 'msg_forged',
      'content-type': 'text/plain',
    };
    await forwardEvent(request('/ok', { headers }));
    expect(seen[0]!.headers).toMatchObject({
      authorization: 'Bearer internal-token',
      'x-tenant': 'acme',
      'webhook-id': 'msg_hookflow_wf-1_forward-billing',
      'content-type': 'application/json',
    });
    expect(seen[0]!.verifiedWith).toEqual([secret]);
  });

  test('forwardEvent() reads only a prefix of an endless body and lets go of the connection', async () => {
    const result = await forwardEvent(request('/endless'));
    expect(result).toEqual({ status: 200, body: 'a'.repeat(RESULT_BODY_CHARS) });
    await endlessClosed;
  });

  test('forwardEvent() throws a retryable ForwardError for a 503, with Retry-After in ms', async () => {
    const error = await forwardError(forwardEvent(request('/unavailable')));
    expect(error).toMatchObject({ reason: 'status', status: 503, retryable: true, retryAfterMs: 7000 });
    expect(error.message).toBe('forward to billing: HTTP 503 Service Unavailable: overloaded, try later');
  });

  test('forwardEvent() throws a retryable ForwardError for a 429, without retryAfterMs when none is sent', async () => {
    const error = await forwardError(forwardEvent(request('/busy')));
    expect(error).toMatchObject({ reason: 'status', status: 429, retryable: true, retryAfterMs: undefined });
    expect(error.message).toBe('forward to billing: HTTP 429 Too Many Requests');
  });

  test('forwardEvent() throws a permanent ForwardError for a 400 naming the destination, never the URL', async () => {
    const error = await forwardError(forwardEvent(request('/bad')));
    expect(error).toMatchObject({ reason: 'status', status: 400, retryable: false });
    expect(error.message).toBe('forward to billing: HTTP 400 Bad Request: missing field "type"');
    for (const secretPart of [token, base, '127.0.0.1', '/bad']) expect(error.message).not.toContain(secretPart);
  });

  test('forwardEvent() quotes only the first 200 characters of an error body', async () => {
    const error = await forwardError(forwardEvent(request('/broken')));
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(error.message).toBe(`forward to billing: HTTP 500 Internal Server Error: ${'x'.repeat(200)}`);
  });

  test('forwardEvent() does not follow a 301 and throws a permanent ForwardError without the Location', async () => {
    const error = await forwardError(forwardEvent(request('/moved')));
    expect(error).toMatchObject({ reason: 'redirect', status: 301, retryable: false });
    expect(error.message).toMatch(/^forward to billing: HTTP 301 Moved Permanently; redirects are not followed/);
    expect(error.message).not.toContain(token);
    expect(seen.map((s) => s.path)).toEqual(['/moved']);
  });

  test('forwardEvent() throws a retryable timeout ForwardError when the server never answers', async () => {
    const error = await forwardError(forwardEvent(request('/hang', { timeoutMs: 200 })));
    expect(error).toMatchObject({ reason: 'timeout', retryable: true, status: undefined });
    expect(error.message).toBe('forward to billing timed out after 200 ms');
  });

  test('forwardEvent() throws a retryable unreachable ForwardError for a closed port', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const error = await forwardError(forwardEvent(request('/ok', { url: `http://127.0.0.1:${port}/?token=${token}` })));
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true });
    expect(error.message).toBe('forward to billing: cannot connect (ECONNREFUSED)');
  });

  test('forwardEvent() rejects with the signal reason, not a ForwardError, when cancelled mid-request', async () => {
    const controller = new AbortController();
    const cancelled = new Error('activity cancelled');
    const arrived = once(server, 'request');
    const forwarding = forwardEvent(request('/hang', { signal: controller.signal }));
    await arrived;
    controller.abort(cancelled);
    await expect(forwarding).rejects.toBe(cancelled);
  });

  test('forwardEvent() rejects with the reason of a signal already aborted, sending nothing', async () => {
    const cancelled = new Error('activity cancelled');
    await expect(forwardEvent(request('/ok', { signal: AbortSignal.abort(cancelled) }))).rejects.toBe(cancelled);
    expect(seen).toEqual([]);
  });

  test('forwardEvent() refuses a URL that is not http(s) without quoting it', async () => {
    const rejection = forwardEvent(request('/ok', { url: `ftp://127.0.0.1/?token=${token}` }));
    await expect(rejection).rejects.toThrow('forward to billing: the configured url must be http or https, not ftp:');
    await expect(forwardEvent(request('/ok', { url: `not a url ${token}` }))).rejects.toThrow(
      new TypeError('forward to billing: the configured url is not a valid URL'),
    );
  });

  test('forwardEvent() names, but does not quote, an extra header with an invalid value', async () => {
    const headers = { authorization: `Bearer ${token}\r\nx-injected: 1` };
    await expect(forwardEvent(request('/ok', { headers }))).rejects.toThrow(
      new TypeError('forward to billing: header "authorization" has an invalid name or value'),
    );
    expect(seen).toEqual([]);
  });
});
