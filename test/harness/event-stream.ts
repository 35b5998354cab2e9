import { setTimeout as sleep } from 'node:timers/promises';
import { demoEvent, hmacHeaders } from './sign';

export interface SentEvent {
  readonly id: string;
  readonly body: string;
  /** The last answer: an HTTP status, or 0 when the connection failed. */
  status: number;
  /** How many times it was sent. */
  sends: number;
}

/** Post one event as a provider would; a failed connection counts as status 0. */
export async function deliver(url: () => string, event: SentEvent): Promise<void> {
  event.sends++;
  try {
    const response = await fetch(`${url()}/webhooks/demo`, {
      method: 'POST',
      body: event.body,
      headers: hmacHeaders(event.body, 'test-secret'),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    event.status = response.status;
  } catch {
    event.status = 0;
  }
}

/**
 * A steady stream: `count` fresh events, one every 1000/`perSecond` ms, each sent without
 * waiting for the previous answer. `url` is read per request, so a restarted receiver on a new
 * port takes over. Resolves when every request has been answered (or has failed).
 */
export async function sendStream(url: () => string, count: number, perSecond: number, onSent?: (n: number) => void): Promise<SentEvent[]> {
  const events: SentEvent[] = [];
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const { id, body } = demoEvent('order.paid', { workMs: 30 });
    const event: SentEvent = { id, body, status: -1, sends: 0 };
    events.push(event);
    inFlight.push(deliver(url, event));
    onSent?.(i + 1);
    await sleep(1000 / perSecond); // pacing the load generator, not waiting for a result
  }
  await Promise.all(inFlight);
  return events;
}

/** What a provider does with an unacknowledged event: send it again until it gets a 2xx. */
export async function redeliverUnacknowledged(url: () => string, events: SentEvent[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = events.filter((e) => e.status !== 200);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.length} events still unacknowledged after ${timeoutMs} ms`);
    await Promise.all(pending.map((e) => deliver(url, e)));
    if (events.some((e) => e.status !== 200)) await sleep(500); // the provider's back-off
  }
}
