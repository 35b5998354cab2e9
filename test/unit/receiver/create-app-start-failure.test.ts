import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { ServiceError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { resolveConfig } from '../../../src/config/load-config';
import { createLogger } from '../../../src/logging/logger';
import { createApp } from '../../../src/receiver/create-app';
import type { BodyStore } from '../../../src/store/body-store';
import type { NonceStore } from '../../../src/store/nonce-store';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../../harness/sign';

/** A Temporal client whose every workflow start fails with gRPC status `code`, wrapped as the real client wraps it. */
function failingTemporal(code: number, details: string): Client {
  const grpc = Object.assign(new Error(`${code}: ${details}`), { code, details, metadata: {} });
  const start = () => Promise.reject(new ServiceError('Failed to start Workflow', { cause: grpc }));
  return { withDeadline: (_deadline: number, fn: () => unknown) => fn(), workflow: { start } } as unknown as Client;
}

/** POST one correctly signed demo event to a receiver over `temporal`; its status, Retry-After and body. */
async function deliver(temporal: Client) {
  const config = resolveConfig({ sources: { demo: DEMO_SOURCE } }, '/x.json');
  const app = createApp({
    config,
    temporal,
    logger: createLogger('test', 'silent'),
    nonces: {} as NonceStore,
    bodies: {} as BodyStore,
    // No event is recorded yet (the receiver's dedup check reads the record before the start).
    db: { collection: () => ({ findOne: async () => null }) } as unknown as Db,
  });
  const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { body } = demoEvent();
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/demo`, { method: 'POST', headers: hmacHeaders(body, 'test-secret'), body });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the receiver answering a workflow start Temporal did not accept', () => {
  test('issue #6: INVALID_ARGUMENT answers 422 with a JSON error, so the provider stops retrying', async () => {
    const answer = await deliver(failingTemporal(3, 'search attribute HookflowEventType value size 5002 exceeds size limit 2048'));
    expect(answer).toEqual({
      status: 422,
      retryAfter: null,
      body: {
        error:
          'Temporal refuses this event as invalid, so resending it cannot succeed: search attribute HookflowEventType value size 5002 exceeds size limit 2048',
      },
    });
  });

  test('UNAVAILABLE still answers 503 with Retry-After, so the provider retries', async () => {
    const answer = await deliver(failingTemporal(14, 'connection refused'));
    expect(answer).toEqual({ status: 503, retryAfter: expect.any(String), body: { error: 'the event could not be durably accepted; retry later' } });
  });
});
