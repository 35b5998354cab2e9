import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type ReceiverDeps } from './create-app';

export interface RunningReceiver {
  readonly server: http.Server;
  readonly url: string;
  /** Stop accepting, finish in-flight requests, then resolve. */
  close(): Promise<void>;
}

/**
 * Listen with timeouts that cut slow or stalled clients: headers must arrive within 10 s and the
 * whole request within 30 s, so a trickling client cannot hold a connection open.
 */
export async function startReceiver(deps: ReceiverDeps, host: string, port: number): Promise<RunningReceiver> {
  const app = createApp(deps);
  const server = http.createServer(app.callback());
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
