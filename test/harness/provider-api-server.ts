import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';

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
  /** The repository hook `o/r` #7 (`/repos/o/r/hooks/7/deliveries`, the token). */
  readonly githubDeliveries: GithubDelivery[];
  /** The GitHub App's hook (`/app/hook/deliveries`, a JWT the App signed). */
  readonly appDeliveries: GithubDelivery[];
  /** Every request, as `METHOD path?query`. */
  readonly requests: string[];
  /** Answer the next N list calls of that API 429 with `Retry-After: 1`. */
  rateLimitNext(n: number, api?: 'stripe' | 'github'): void;
  /**
   * What GitHub does after answering `POST .../attempts` 202: deliver the request again, signed,
   * to the hook's URL. Resolves to the receiver's status, logged as a new attempt (same GUID).
   */
  redeliver?: (delivery: GithubDelivery) => Promise<number>;
  close(): Promise<void>;
}

export interface ProviderApiServerOptions {
  readonly stripeKey: string;
  readonly githubToken: string;
  /** The GitHub App whose JWTs (RS256, `iss` its ID, at most 10 minutes) the App's hook takes. */
  readonly app?: { readonly id: number; readonly publicKey: KeyObject };
}

const STRIPE_PAGE = 2;
const GITHUB_PAGE = 2;

/**
 * A stand-in for the endpoints reconciliation uses, driven by the official SDKs pointed at it:
 * Stripe's `GET /v1/events` (`created[gte]`, `limit`, `starting_after`, `has_more`, newest
 * first, Bearer key) and GitHub's hook deliveries (list paged by `cursor` in the Link header,
 * newest first; get one with its request; `POST .../attempts`). Pages are small so paging is used.
 */
export async function startProviderApiServer({ stripeKey, githubToken, app }: ProviderApiServerOptions): Promise<ProviderApiServer> {
  const stripeEvents: StripeEvent[] = [];
  const githubDeliveries: GithubDelivery[] = [];
  const appDeliveries: GithubDelivery[] = [];
  const requests: string[] = [];
  const rateLimited = { stripe: 0, github: 0 };
  let nextDeliveryId = 900_000;

  /** GitHub's App authentication: `Bearer <JWT>` signed RS256 by the App's key, iss = App ID, exp ≤ iat + 10 min. */
  async function isAppJwt(auth: string): Promise<boolean> {
    const token = /^bearer (.+)$/i.exec(auth)?.[1];
    if (!app || !token) return false;
    try {
      const { payload } = await jwtVerify(token, app.publicKey, { algorithms: ['RS256'] });
      return String(payload.iss) === String(app.id) && payload.exp !== undefined && payload.iat !== undefined && payload.exp - payload.iat <= 600 + 60;
    } catch {
      return false;
    }
  }

  const api: ProviderApiServer = {
    get url() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stripeEvents,
    githubDeliveries,
    appDeliveries,
    requests,
    rateLimitNext: (n, which = 'stripe') => {
      rateLimited[which] = n;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };

  const server = http.createServer(async (req, res) => {
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
      if (rateLimited.stripe > 0) {
        rateLimited.stripe--;
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

    const repoHook = /^(\/repos\/o\/r\/hooks\/7\/deliveries)(?:\/(\d+))?(\/attempts)?$/.exec(url.pathname);
    const appHook = /^(\/app\/hook\/deliveries)(?:\/(\d+))?(\/attempts)?$/.exec(url.pathname);
    const hook = repoHook ?? appHook;
    if (hook) {
      const authorized = repoHook ? auth === `token ${githubToken}` : await isAppJwt(auth);
      if (!authorized) {
        return send(401, {
          message: repoHook ? 'Bad credentials' : 'A JSON web token could not be decoded',
          documentation_url: 'https://docs.github.com/rest',
        });
      }
      const deliveries = repoHook ? githubDeliveries : appDeliveries;
      const [, base, id, attempts] = hook;
      if (!id && req.method === 'GET') {
        if (rateLimited.github > 0) {
          rateLimited.github--;
          return send(429, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' });
        }
        const newestFirst = [...deliveries].sort((a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at));
        const cursor = Number(url.searchParams.get('cursor') ?? 0);
        const page = newestFirst.slice(cursor, cursor + GITHUB_PAGE);
        const next = cursor + GITHUB_PAGE < newestFirst.length ? cursor + GITHUB_PAGE : undefined;
        const link = next === undefined ? undefined : `<${api.url}${base}?per_page=${GITHUB_PAGE}&cursor=${next}>; rel="next"`;
        return send(
          200,
          page.map(({ payload: _payload, ...summary }) => summary),
          link ? { link } : {},
        );
      }
      const delivery = deliveries.find((d) => d.id === Number(id));
      if (!delivery) return send(404, { message: 'Not Found' });
      if (attempts && req.method === 'POST') {
        send(202, {});
        // GitHub redelivers after answering, and logs the attempt under a new ID, same GUID.
        const status_code = await (api.redeliver?.(delivery) ?? Promise.resolve(503));
        deliveries.push({
          ...delivery,
          id: nextDeliveryId++,
          delivered_at: new Date().toISOString(),
          redelivery: true,
          status_code,
          status: status_code < 300 ? 'OK' : 'failed',
        });
        return;
      }
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
  return api;
}
