import Stripe from 'stripe';
import type { ApiCall, EventListing } from './provider-listing';

const PAGE = 100;

/** `apiUrl` (default Stripe's) as the stripe client's host, port and protocol. */
export function stripeClient(apiKey: string, apiUrl?: string): Stripe {
  const url = apiUrl ? new URL(apiUrl) : undefined;
  const protocol = url?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(apiKey, {
    // One retry policy for both providers: withApiRetries (Retry-After, backoff, a bad key at once).
    maxNetworkRetries: 0,
    timeout: 30_000,
    telemetry: false,
    ...(url
      ? { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol }
      : {}),
  });
}

/**
 * `GET /v1/events?created[gte]=<since>&limit=100`, page by page with `starting_after` while
 * `has_more`. Stripe keeps events for 30 days. A webhook's body is the event object itself, so
 * the recovered delivery is its JSON.
 */
export async function* listStripeEvents(stripe: Stripe, since: Date, call: ApiCall): EventListing {
  let startingAfter: string | undefined;
  for (;;) {
    const page = await call(() =>
      stripe.events.list({
        created: { gte: Math.floor(since.getTime() / 1000) },
        limit: PAGE,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      }),
    );
    yield page.data.map((event) => ({
      eventId: event.id,
      load: async () => ({
        rawBody: Buffer.from(JSON.stringify(event)),
        headers: { 'content-type': 'application/json' },
        contentType: 'application/json',
      }),
    }));
    if (!page.has_more || page.data.length === 0) return;
    startingAfter = page.data[page.data.length - 1]!.id;
  }
}
