import http from 'node:http';
import { listen } from '../http/listen';
import { createApp, type ReceiverDeps } from './create-app';

export interface RunningReceiver {
  readonly server: http.Server;
  readonly url: string;
  /** Answer /readyz 503, stop accepting, finish in-flight requests, then resolve. */
  close(): Promise<void>;
}

/**
 * Listen with timeouts that cut slow or stalled clients (Slowloris): headers must arrive within
 * `server.headersTimeoutMs` and the whole request within `server.requestTimeoutMs`, so a
 * trickling client cannot hold a connection open. Node answers such a client 408 and closes it.
 */
export async function startReceiver(deps: ReceiverDeps, host: string, port: number): Promise<RunningReceiver> {
  // A load balancer probing /readyz over a kept-alive connection learns of the shutdown at once.
  let stopping = false;
  const app = createApp({ ...deps, stopping: () => stopping || (deps.stopping?.() ?? false) });
  const { headersTimeoutMs, requestTimeoutMs } = deps.config.server;
  const server = http.createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks both timeouts on this interval (default 30 s), so a client could outlive its
      // timeout by up to that much; check at a quarter of the shorter one, at most every second.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 4))),
    },
    app.callback(),
  );
  server.keepAliveTimeout = 5_000;
  const listening = await listen(server, host, port);
  return {
    server,
    url: listening.url,
    close: () => {
      stopping = true;
      return listening.close();
    },
  };
}
