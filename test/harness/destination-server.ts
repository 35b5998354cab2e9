import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { listenLocal } from './listen-local';

/** How the destination answers one request. */
export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Answer only after this long (to make a forward time out). */
  readonly delayMs?: number;
}

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Whether the Standard Webhooks signature verified with the destination's secret. */
  readonly verified: boolean;
  /** Date.now() when the request arrived. */
  readonly at: number;
}

export interface DestinationServer {
  readonly url: string;
  /** Script the next answers for a path; once they are used up it answers 200. */
  script(path: string, replies: Reply[]): void;
  requests(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for a user's internal service. It verifies every request with
 * the official `standardwebhooks` library, as a user's service would.
 */
export async function startDestinationServer(secret: string): Promise<DestinationServer> {
  const verifier = new Webhook(secret);
  const scripts = new Map<string, Reply[]>();
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      let verified = false;
      try {
        verifier.verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      received.push({ path, headers: req.headers, body, verified, at: Date.now() });
      const reply = scripts.get(path)?.shift() ?? { status: 200, body: '{"ok":true}' };
      const answer = () => send(res, reply);
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  const listener = await listenLocal(server);
  return {
    url: listener.url,
    script: (path, replies) => scripts.set(path, [...replies]),
    requests: (path) => received.filter((r) => r.path === path),
    close: listener.close,
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return; // the forward gave up (timed out) before we answered
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(reply.body ?? '');
}
