import type { HookSettings } from './reconcile-settings';
import type { ApiCall, EventListing, ListedEvent } from './provider-listing';

/** The part of Octokit's `request` used here, so the module needs no ESM import at load. */
export type GithubRequest = (route: string, parameters?: Record<string, unknown>) => Promise<{ data: unknown; headers: Record<string, string | undefined> }>;

interface DeliverySummary {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
}

interface DeliveryDetail {
  request: { headers: Record<string, string> | null; payload: unknown };
}

/** A repository hook's endpoints, or the GitHub App's own hook (authenticated with the App's JWT). */
function routes(hook: HookSettings): { base: string; params: Record<string, unknown> } {
  return 'app' in hook || 'appId' in hook
    ? { base: '/app/hook/deliveries', params: {} }
    : { base: '/repos/{owner}/{repo}/hooks/{hook_id}/deliveries', params: { owner: hook.owner, repo: hook.repo, hook_id: hook.id } };
}

/**
 * The hook's recent deliveries (`GET .../deliveries`, newest first, paged by `cursor` from the
 * Link header) back to `since`. A redelivery keeps its GUID (`X-GitHub-Delivery`, hookflow's
 * event ID), so deliveries are grouped by it. GitHub keeps deliveries for 3 days.
 */
export async function* listGithubDeliveries(request: GithubRequest, hook: HookSettings, since: Date, call: ApiCall): EventListing {
  const { base, params } = routes(hook);
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const { data, headers } = await call(() => request(`GET ${base}`, { ...params, per_page: 100, ...(cursor ? { cursor } : {}) }));
    const deliveries = data as DeliverySummary[];
    const page: ListedEvent[] = [];
    let older = false;
    // GUIDs an attempt of which the receiver answered 2xx (a redelivery of an acknowledged one
    // would only be answered duplicate).
    const acknowledged = new Set(deliveries.filter((d) => d.status_code >= 200 && d.status_code < 300).map((d) => d.guid));
    for (const delivery of deliveries) {
      if (Date.parse(delivery.delivered_at) < since.getTime()) {
        older = true;
        continue;
      }
      if (seen.has(delivery.guid)) continue;
      seen.add(delivery.guid);
      page.push({
        eventId: delivery.guid,
        acknowledged: acknowledged.has(delivery.guid),
        load: async () => {
          const { data: detail } = await call(() => request(`GET ${base}/{delivery_id}`, { ...params, delivery_id: delivery.id }));
          return toDelivery(detail as DeliveryDetail, delivery);
        },
        // The newest attempt (the list is newest first); GitHub answers 202 and delivers it
        // again, signed, under the same GUID.
        redeliver: async () => {
          await call(() => request(`POST ${base}/{delivery_id}/attempts`, { ...params, delivery_id: delivery.id }));
        },
      });
    }
    yield page;
    cursor = nextCursor(headers.link);
    if (older || !cursor || deliveries.length === 0) return;
  }
}

/** The request GitHub sent, as the receiver would have seen it: its headers and its JSON payload. */
function toDelivery(detail: DeliveryDetail, summary: DeliverySummary): { rawBody: Buffer; headers: Record<string, string>; contentType: string } {
  const headers = Object.fromEntries(Object.entries(detail.request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
  headers['x-github-delivery'] ??= summary.guid;
  headers['x-github-event'] ??= summary.event;
  // The API gives the payload parsed, whatever the hook's content type: feed it as JSON.
  headers['content-type'] = 'application/json';
  return { rawBody: Buffer.from(JSON.stringify(detail.request.payload ?? null)), headers, contentType: 'application/json' };
}

/** `cursor` of the `rel="next"` link, GitHub's pagination for hook deliveries. */
export function nextCursor(link: string | undefined): string | undefined {
  const next = link?.split(',').find((part) => /rel="next"/.test(part));
  const url = next?.match(/<([^>]+)>/)?.[1];
  return url ? (new URL(url).searchParams.get('cursor') ?? undefined) : undefined;
}
