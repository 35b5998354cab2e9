import { signedEvent, type BenchEventType } from './signed-event';
import { summarizeLatencies, type LatencySummary } from './summarize-latencies';

// autocannon ships no types; this is the part of its API the bench uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly start: Date;
  readonly finish: Date;
  readonly statusCodeStats: Record<string, { count: number }>;
}

export interface HttpLoad {
  readonly url: string;
  readonly connections: number;
  /** Seconds; ignored when `amount` is set. */
  readonly duration?: number;
  /** A fixed number of requests instead of a duration. */
  readonly amount?: number;
  readonly type: BenchEventType;
  /** Gets every 2xx latency too, to pool several runs. */
  readonly samples?: number[];
}

export interface HttpLoadResult {
  /** When the first request went out (ms since the epoch). */
  readonly startedAt: number;
  readonly seconds: number;
  /** 2xx answers: accepted webhooks. */
  readonly ok: number;
  /** 2xx answers per second. */
  readonly perSecond: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  /** Of 2xx answers only, like autocannon's own figures. */
  readonly latencyMs: LatencySummary;
}

/**
 * Closed-loop HTTP load: `connections` keep-alive connections, each sending its next request as
 * soon as the last is answered. Every request is a fresh event with a unique ID, signed in
 * setupRequest, so the receiver never sees a duplicate and (a) verifies the same bytes as (c).
 */
export async function runHttpLoad({ url, connections, duration, amount, type, samples }: HttpLoad): Promise<HttpLoadResult> {
  const latencies: number[] = [];
  const startedAt = Date.now();
  const instance = autocannon({
    url,
    // autocannon refuses more connections than requests; a batch that small needs no more.
    connections: amount ? Math.min(connections, amount) : connections,
    pipelining: 1,
    ...(amount ? { amount } : { duration }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: { headers: Record<string, string> }) => {
          const event = signedEvent(type);
          return { ...request, headers: { ...request.headers, ...event.headers }, body: event.body };
        },
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  samples?.push(...latencies);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]));
  const ok = Object.entries(statusCodes).reduce((n, [code, count]) => (code.startsWith('2') ? n + count : n), 0);
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    startedAt,
    seconds,
    ok,
    perSecond: Math.round((ok / seconds) * 10) / 10,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyMs: summarizeLatencies(latencies),
  };
}
