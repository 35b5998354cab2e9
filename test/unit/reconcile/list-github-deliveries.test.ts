import { listGithubDeliveries, type GithubRequest } from '../../../src/reconcile/list-github-deliveries';
import type { ListedEvent } from '../../../src/reconcile/provider-listing';

const now = Date.parse('2026-12-01T12:00:00Z');
const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
const summary = (id: number, guid: string, minutesAgo: number, status_code: number) => ({ id, guid, delivered_at: at(minutesAgo), status_code, event: 'push' });

/** A stand-in for Octokit's request: two pages, newest first, recording each route asked. */
function fakeRequest(pages: unknown[][]): { request: GithubRequest; calls: [string, Record<string, unknown> | undefined][] } {
  const calls: [string, Record<string, unknown> | undefined][] = [];
  const request: GithubRequest = async (route, parameters) => {
    calls.push([route, parameters]);
    if (route.startsWith('GET') && !route.endsWith('{delivery_id}')) {
      const index = Number(parameters?.cursor ?? 0);
      const link = index + 1 < pages.length ? `<https://api.github.com/x?cursor=${index + 1}>; rel="next"` : undefined;
      return { data: pages[index], headers: { link } };
    }
    return { data: { request: { headers: { 'X-GitHub-Delivery': 'g', 'X-Hub-Signature-256': 'sha256=00' }, payload: { ok: true } } }, headers: {} };
  };
  return { request, calls };
}

async function all(listing: AsyncIterable<readonly ListedEvent[]>): Promise<ListedEvent[]> {
  const out: ListedEvent[] = [];
  for await (const page of listing) out.push(...page);
  return out;
}

const direct = <T>(call: () => Promise<T>) => call();

describe('listGithubDeliveries(request, hook, since, call)', () => {
  test('one entry per GUID, its newest attempt; acknowledged when an attempt got a 2xx; stops at the first delivery older than since', async () => {
    const { request, calls } = fakeRequest([
      [summary(4, 'a', 5, 502), summary(3, 'b', 10, 200)],
      [summary(2, 'a', 20, 503), summary(1, 'old', 90, 503)],
      [summary(0, 'never-read', 100, 503)],
    ]);
    const listed = await all(listGithubDeliveries(request, { owner: 'o', repo: 'r', id: 7 }, new Date(now - 60 * 60_000), direct));
    expect(listed.map((l) => [l.eventId, l.acknowledged])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    // The page holding an older delivery is the last one read.
    expect(calls.map(([route, p]) => [route, p?.cursor])).toEqual([
      ['GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries', undefined],
      ['GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries', '1'],
    ]);

    await listed[0]!.redeliver!();
    expect(calls.at(-1)).toEqual(['POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts', { owner: 'o', repo: 'r', hook_id: 7, delivery_id: 4 }]);
    const delivery = await listed[0]!.load();
    expect(delivery.headers).toMatchObject({ 'x-github-delivery': 'g', 'x-github-event': 'push', 'content-type': 'application/json' });
    expect(JSON.parse(delivery.rawBody.toString())).toEqual({ ok: true });
  });

  test("an App's hook, as the App or with a JWT, uses /app/hook/deliveries", async () => {
    for (const hook of [{ appId: 1, privateKey: 'k' }, { app: true as const }]) {
      const { request, calls } = fakeRequest([[summary(9, 'z', 1, 500)]]);
      const [listed] = await all(listGithubDeliveries(request, hook, new Date(now - 60_000 * 60), direct));
      await listed!.redeliver!();
      expect(calls.map(([route]) => route)).toEqual(['GET /app/hook/deliveries', 'POST /app/hook/deliveries/{delivery_id}/attempts']);
      expect(calls[1]![1]).toEqual({ delivery_id: 9 });
    }
  });
});
