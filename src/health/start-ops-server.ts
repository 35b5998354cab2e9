import http from 'node:http';
import { listen, type Listening } from '../http/listen';
import type { Logger } from '../logging/logger';
import type { OpsHandler } from './create-ops-handler';

/** Closing lets in-flight requests (a scrape, a probe) finish. */
export type RunningOpsServer = Listening;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A bare node:http server for /healthz, /readyz and /metrics: a worker has no other HTTP to
 * serve, so no framework. Port 0 picks a free port (several workers on one machine).
 */
export async function startOpsServer(ops: OpsHandler, host: string, port: number, logger: Logger): Promise<RunningOpsServer> {
  const server = http.createServer((req, res) => {
    const send = (status: number, contentType: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, JSON_TYPE, JSON.stringify({ error: 'method not allowed; use GET' }), { allow: 'GET, HEAD' });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    ops(path).then(
      (answer) =>
        answer
          ? send(answer.status, answer.contentType, answer.body)
          : send(404, JSON_TYPE, JSON.stringify({ error: `no route for ${req.method} ${path}` })),
      (error: unknown) => {
        logger.error({ err: error, path }, 'operations endpoint failed');
        send(500, JSON_TYPE, JSON.stringify({ error: 'internal error' }));
      },
    );
  });
  return listen(server, host, port, (error) =>
    error.code === 'EADDRINUSE'
      ? new Error(
          `port ${port} on ${host} is already in use (another worker on this machine?); give each worker its own ` +
            'with worker.port or HOOKFLOW_WORKER_PORT, or 0 for any free port',
        )
      : error,
  );
}
