import http from 'node:http';
import { listen } from '../http/listen';
import type { AdminDeps } from './admin-deps';
import { createAdminApp } from './create-admin-app';

export interface RunningAdminServer {
  readonly server: http.Server;
  readonly url: string;
  /** Stop accepting, stop bulk runs between two events, finish in-flight calls, then resolve. */
  close(): Promise<void>;
}

/** The admin API on its own address (admin.host, admin.port), apart from the public receiver. */
export async function startAdminServer(deps: AdminDeps, host: string, port: number): Promise<RunningAdminServer> {
  const shutdown = new AbortController();
  const app = createAdminApp({ ...deps, shutdown: shutdown.signal });
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, app.callback());
  server.keepAliveTimeout = 5_000;
  const listening = await listen(server, host, port);
  return {
    server,
    url: listening.url,
    close: () => {
      shutdown.abort('the admin server is shutting down');
      return listening.close();
    },
  };
}
