import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHookflowProcess, writeProcessConfig } from '../harness/hookflow-process';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/** POST whose body is sent in two parts; the second goes only when `release` is called. */
function postInTwoParts(url: string, body: string, headers: Record<string, string>) {
  let release!: () => void;
  const response = new Promise<{ status: number; json: any }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    release = () => req.end(body.slice(half));
  });
  return { response, release: () => release() };
}

describe('receiver graceful shutdown', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({ sources: { demo: DEMO_SOURCE }, worker: false });
  });
  afterAll(() => stack?.close());

  test('SIGTERM: the request in flight is answered (and its event started), new connections are refused, exit 0', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-receiver-'));
    const config = writeProcessConfig(dir, stack.config, { server: { host: '127.0.0.1', port: 0 }, sources: { demo: DEMO_SOURCE } });
    const receiver = startHookflowProcess('receiver', config, { HOOKFLOW_LOG_LEVEL: 'debug' });
    const { url } = (await receiver.waitForLog('receiver listening')) as { url: string };

    const { id, body } = demoEvent();
    const inFlight = postInTwoParts(`${url}/webhooks/demo`, body, hmacHeaders(body, 'test-secret'));
    await receiver.waitForLog('request started'); // the receiver has the headers
    receiver.child.kill('SIGTERM');
    await receiver.waitForLog('stopping: no new connections, finishing in-flight requests');

    await expect(fetch(`${url}/healthz`)).rejects.toThrow(); // no longer listening
    inFlight.release();
    expect(await inFlight.response).toEqual({ status: 200, json: { status: 'accepted', workflowId: `demo:${id}` } });
    expect(await receiver.exited).toBe(0);
    const { status } = await stack.client.workflow.getHandle(`demo:${id}`).describe();
    expect(status.name).toBe('RUNNING'); // started durably, waiting for a worker
  });
});
