import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { listenLocal } from './listen-local';

export interface Arrival {
  /** The Standard Webhooks `webhook-id`: `<workflowId>/<action name>`, one per forward. */
  readonly id: string;
  /** Date.now() when the request arrived. */
  readonly at: number;
  /** Requests in flight at that moment, this one included. */
  readonly inFlight: number;
  readonly verified: boolean;
}

export interface ThroughputDestination {
  readonly url: string;
  readonly arrivals: Arrival[];
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/**
 * A user's downstream that measures what it receives: the arrival time of every request and how
 * many were in flight at once. Each answer comes `answerAfterMs` after the request (or what it
 * returns for the request's index in arrival order), so requests overlap as at a real service. Signatures are verified with the official
 * `standardwebhooks` library.
 */
export async function startThroughputDestination(secret: string, answerAfterMs: number | ((index: number) => number)): Promise<ThroughputDestination> {
  const delayOf = typeof answerAfterMs === 'number' ? () => answerAfterMs : answerAfterMs;
  const verifier = new Webhook(secret);
  const arrivals: Arrival[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let most = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    const at = Date.now();
    const seen = inFlight;
    // A forward is in flight until it has its answer, or has given up (the connection closed).
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        verifier.verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const index = arrivals.push({ id: String(req.headers['webhook-id']), at, inFlight: seen, verified }) - 1;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, delayOf(index));
      timers.add(timer);
    });
  });
  const listener = await listenLocal(server);
  return {
    url: listener.url,
    arrivals,
    maxInFlight: () => most,
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return listener.close();
    },
  };
}

/** The most arrivals within any window of `windowMs` (each window starting at an arrival). */
export function busiestWindow(arrivals: readonly Arrival[], windowMs: number): number {
  const times = arrivals.map((a) => a.at).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
