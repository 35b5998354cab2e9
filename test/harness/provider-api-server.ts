import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Stripe event object as `GET /v1/events` lists it (and as a webhook body carries it). */
export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** One attempt GitHub made for a hook, with the request it sent. */
export interface GithubDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  status: string;
  event: string;
  action: string | null;
  payload: Record<string, unknown>;
}

export interface ProviderApiServer {
  readonly url: string;
  readonly stripeEvents: StripeEvent[];
  readonly githubDeliveries: GithubDelivery[];
  /** Every request, as `METHOD path?query`. */
  readonly requests: string[];
  /** Answer the next N Stripe list calls 429 with `Retry-After: 1`. */
  rateLimitNext(n: number): void;
  close(): Promise<void>;
}

const STRIPE_PAGE = 2;
const GITHUB_PAGE = 2;

/**
 * A stand-in for the endpoints reconciliation uses, driven by the official SDKs pointed at it:
 * Stripe's `GET /v1/events` (`created[gte]`, `limit`, `starting_after`, `has_more`, newest
 * first, Bearer key) and GitHub's hook deliveries (list paged by `cursor` in the Link header,
 * newest first; get one with its request; `POST .../attempts`). Pages are small so paging is used.
 */
export async function startProviderApiServer({ stripeKey, githubToken }: { stripeKey: string; githubToken: string }): Promise<ProviderApiServer> {
  const stripeEvents: StripeEvent[] = [];
  const githubDeliveries: GithubDelivery[] = [];
  const requests: string[] = [];
  let rateLimited = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const auth = req.headers.authorization ?? '';

    if (url.pathname === '/v1/events' && req.method === 'GET') {
      if (auth !== `Bearer ${stripeKey}`) {
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' } });
      }
      if (rateLimited > 0) {
        rateLimited--;
        return send(429, { error: { type: 'rate_limit_error', message: 'Too many requests' } }, { 'retry-after': '1' });
      }
      const gte = Number(url.searchParams.get('created[gte]') ?? 0);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), STRIPE_PAGE);
      const after = url.searchParams.get('starting_after');
      const newestFirst = [...stripeEvents].sort((a, b) => b.created - a.created).filter((e) => e.created >= gte);
      const start = after ? newestFirst.findIndex((e) => e.id === after) + 1 : 0;
      const data = newestFirst.slice(start, start + limit);
      return send(200, { object: 'list', url: '/v1/events', has_more: start + limit < newestFirst.length, data });
    }

    const hook = /^\/repos\/o\/r\/hooks\/7\/deliveries(?:\/(\d+))?(\/attempts)?$/.exec(url.pathname);
    if (hook) {
      if (auth !== `token ${githubToken}`) {
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      }
      const [, id, attempts] = hook;
      if (!id && req.method === 'GET') {
        const newestFirst = [...githubDeliveries].sort((a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at));
        const cursor = Number(url.searchParams.get('cursor') ?? 0);
        const page = newestFirst.slice(cursor, cursor + GITHUB_PAGE);
        const next = cursor + GITHUB_PAGE < newestFirst.length ? cursor + GITHUB_PAGE : undefined;
        const address = server.address() as AddressInfo;
        const link =
          next === undefined
            ? undefined
            : `<http://127.0.0.1:${address.port}/repos/o/r/hooks/7/deliveries?per_page=${GITHUB_PAGE}&cursor=${next}>; rel="next"`;
        return send(
          200,
          page.map(({ payload: _payload, ...summary }) => summary),
          link ? { link } : {},
        );
      }
      const delivery = githubDeliveries.find((d) => d.id === Number(id));
      if (!delivery) return send(404, { message: 'Not Found' });
      if (attempts && req.method === 'POST') return send(202, {});
      if (!attempts && req.method === 'GET') {
        const { payload, ...summary } = delivery;
        return send(200, {
          ...summary,
          url: 'https://receiver.example/webhooks/github',
          request: {
            headers: {
              Accept: '*/*',
              'Content-Type': 'application/json',
              'User-Agent': 'GitHub-Hookshot/abc1234',
              'X-GitHub-Delivery': delivery.guid,
              'X-GitHub-Event': delivery.event,
              'X-GitHub-Hook-ID': '7',
              'X-Hub-Signature-256': 'sha256=0000',
            },
            payload,
          },
          response: { headers: {}, payload: null },
        });
      }
    }
    send(404, { message: `no route for ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stripeEvents,
    githubDeliveries,
    requests,
    rateLimitNext: (n) => {
      rateLimited = n;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
