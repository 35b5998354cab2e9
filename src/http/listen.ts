import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** Where the server answers; with port 0, the port the system chose. */
  readonly url: string;
  /** Stop accepting, let requests in flight finish (idle keep-alive connections are dropped), then resolve. */
  close(): Promise<void>;
}

/**
 * Listen on host:port and resolve once listening, or reject with the reason it cannot (the
 * address in use, say), as `explain` words it for the operator.
 */
export async function listen(
  server: http.Server,
  host: string,
  port: number,
  explain: (error: NodeJS.ErrnoException) => Error = (error) => error,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(explain(error)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Without this, a kept-alive client that sends nothing more holds close() open.
        server.closeIdleConnections();
      }),
  };
}
