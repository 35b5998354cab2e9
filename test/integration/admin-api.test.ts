import { WorkflowNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { PermanentError } from '../../src/handlers/permanent-error';
import type { HandlerEvent } from '../../src/handlers/types';
import { waitUntil } from '../../src/stack/wait-until';
import { createBodyStore } from '../../src/store/body-store';
import type { EventDocument } from '../../src/store/documents';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const TOKEN = 'admin-token-for-the-tests-0123456789';

interface ApiResult {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

describe('admin API over real HTTP, on the real stack', () => {
  let stack: TestStack;
  let admin: RunningAdminServer;
  const adminLogs: Record<string, unknown>[] = [];
  /** Every event each handler saw, by workflow ID. */
  const seen = new Map<string, HandlerEvent[]>();
  let flakyFixed = false;
  let bulkFixed = false;
  const stuckStarted = new Set<string>();
  const stuckAborted = new Set<string>();
  /** Stuck events that finish at once on their next run (the retry after a terminate). */
  const unstuck = new Set<string>();

  /** Event IDs the ordered route's handler refuses. */
  const failBalance = new Set<string>();

  const remember = (event: HandlerEvent) => seen.set(event.workflowId, [...(seen.get(event.workflowId) ?? []), event]);

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE, other: DEMO_SOURCE, ordered: { ...DEMO_SOURCE, timestampHeader: 'X-Timestamp' } },
      // Bodies over 1 KiB are claim-checked, so show and replay meet both kinds.
      server: { claimCheckBytes: 1024, maxBodyBytes: 65_536 },
      routes: [
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'ok' }] },
        { source: 'other', events: ['order.*'], actions: [{ handler: 'ok' }] },
        { source: 'demo', events: ['broken.*'], actions: [{ handler: 'broken' }] },
        { source: 'other', events: ['broken.*'], actions: [{ handler: 'broken' }] },
        { source: 'demo', events: ['flaky.*'], actions: [{ handler: 'flaky' }] },
        { source: 'demo', events: ['bulk.*'], actions: [{ handler: 'bulk' }] },
        { source: 'demo', events: ['stuck.*'], actions: [{ handler: 'stuck' }], retry: { heartbeatTimeoutMs: 1_000 } },
        // Fails every time, with a long wait before each next attempt: it stays being retried.
        { source: 'demo', events: ['down.*'], actions: [{ handler: 'down' }], retry: { initialIntervalMs: 60_000, maximumIntervalMs: 60_000 } },
        { source: 'ordered', events: ['*'], actions: [{ handler: 'balance' }], orderingKey: 'data.customer', skipStale: true },
      ],
      handlers: {
        down: () => {
          throw new Error('the ledger is down');
        },
        ok: (event) => {
          remember(event);
          return { ok: true };
        },
        broken: () => {
          throw new PermanentError('always broken');
        },
        flaky: (event) => {
          remember(event);
          if (!flakyFixed) throw new PermanentError('not fixed yet');
          return { fixed: true };
        },
        bulk: () => {
          if (!bulkFixed) throw new PermanentError('bulk handler not fixed yet');
          return { bulk: true };
        },
        balance: (event) => {
          remember(event);
          if (failBalance.has(event.id)) throw new PermanentError('balance service refused it');
          return { applied: true };
        },
        // Waits until cancelled, as a well-behaved long handler does.
        stuck: (event, { signal }) => {
          if (unstuck.has(event.workflowId)) return { unstuck: true };
          return new Promise((_, reject) => {
            stuckStarted.add(event.workflowId);
            signal.addEventListener('abort', () => {
              stuckAborted.add(event.workflowId);
              reject(new Error('stopped: cancelled'));
            });
          });
        },
      },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token: TOKEN, bulkRatePerSecond: 50 } };
    const logger = pino({ level: 'info' }, { write: (line: string) => void adminLogs.push(JSON.parse(line) as Record<string, unknown>) });
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, bodies: createBodyStore(stack.store.bodies), logger },
      '127.0.0.1',
      0,
    );
  });

  afterAll(async () => {
    await admin?.close();
    await stack?.close();
  });

  async function api(method: 'GET' | 'POST', path: string, body?: unknown, authorization: string | null = `Bearer ${TOKEN}`): Promise<ApiResult> {
    const headers: Record<string, string> = {};
    if (authorization !== null) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${admin.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  }
  const eventPath = (id: string, action?: string) => `/events/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

  /** Deliver a signed event; returns its workflow ID. */
  async function deliver(type: string, source = 'demo', extra: Record<string, unknown> = {}): Promise<string> {
    const { id, body } = demoEvent(type, extra);
    const response = await stack.post(`/webhooks/${source}`, body, hmacHeaders(body, 'test-secret'));
    expect(response.json).toMatchObject({ status: 'accepted' });
    return `${source}:${id}`;
  }

  const describeOrUndefined = (workflowId: string) =>
    stack.client.workflow
      .getHandle(workflowId)
      .describe()
      .catch((error) => {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      });

  /** Resolves once the wall clock has passed `ms`, so times taken after it are strictly later. */
  const clockPast = (ms: number) => waitUntil('the clock to tick', async () => (Date.now() > ms ? Date.now() : undefined), { timeoutMs: 1_000, intervalMs: 1 });

  test('every call answers 401 without a token or with a malformed one, 403 with a wrong one, and does nothing', async () => {
    const id = await deliver('order.paid');
    const before = await stack.waitForStatus(id, 'succeeded');
    const calls: [method: 'GET' | 'POST', path: string, body?: unknown][] = [
      ['GET', '/events'],
      ['GET', eventPath(id)],
      ['POST', eventPath(id, 'retry'), {}],
      ['POST', eventPath(id, 'replay'), {}],
      ['POST', eventPath(id, 'terminate'), { reason: 'test' }],
      ['POST', eventPath(id, 'cancel'), { reason: 'test' }],
      ['POST', '/events/retry', { limit: 10 }],
      ['POST', '/events/replay', { limit: 10 }],
      ['GET', '/no-such-route'],
    ];
    const logLinesBefore = adminLogs.length;
    for (const [method, path, body] of calls) {
      for (const authorization of [null, `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, 'Bearer', TOKEN]) {
        const result = await api(method, path, body, authorization);
        expect({ method, path, authorization, status: result.status }).toEqual({ method, path, authorization, status: 401 });
        expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(result.json.error).toMatch(/Authorization/);
      }
      for (const authorization of ['Bearer wrong-token-wrong-token-wrong', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`]) {
        const result = await api(method, path, body, authorization);
        expect({ method, path, status: result.status, body: result.json }).toEqual({
          method,
          path,
          status: 403,
          body: { error: 'wrong admin token' },
        });
      }
    }
    // Nothing was replayed, retried or stopped.
    expect(await describeOrUndefined(`${id}#replay-1`)).toBeUndefined();
    expect(await stack.store.events.findOne({ _id: id })).toEqual(before);

    // With the token, the same API answers.
    expect((await api('GET', '/events')).status).toBe(200);
    expect((await api('GET', eventPath(id))).status).toBe(200);
    expect((await api('GET', '/no-such-route')).status).toBe(404);

    // Every call was logged with its status, and no log line holds the token.
    const lines = adminLogs.slice(logLinesBefore).filter((line) => line.msg === 'admin call');
    expect(lines).toHaveLength(calls.length * 7 + 3);
    expect(lines.filter((line) => line.status === 401)).toHaveLength(calls.length * 4);
    expect(lines.filter((line) => line.status === 403)).toHaveLength(calls.length * 3);
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/events', status: 401 });
    for (const line of adminLogs) expect(JSON.stringify(line)).not.toContain(TOKEN.slice(0, 20));
  });

  test('show: the document without raw bytes, the Temporal run and the UI link; a claim-checked body is described, not loaded', async () => {
    const id = await deliver('order.paid');
    const doc = await stack.waitForStatus(id, 'succeeded');
    // The only action's success write comes just before the workflow completes.
    await stack.waitForWorkflow(id, 'COMPLETED');
    const { status, json } = await api('GET', eventPath(id));
    expect(status).toBe(200);
    expect(json.event).toMatchObject({
      id,
      source: 'demo',
      status: 'succeeded',
      attempts: 1,
      payload: doc.payload,
      body: { storage: 'inline', bytes: doc.bodyBytes },
      actions: { 'handler:ok': { status: 'succeeded', attempts: 1, result: { ok: true } } },
    });
    expect(json.event).not.toHaveProperty('rawBody');
    expect(json.temporal).toMatchObject({ status: 'COMPLETED', runId: doc.runId });
    expect(Date.parse(json.temporal.startTime)).not.toBeNaN();
    expect(Date.parse(json.temporal.closeTime)).not.toBeNaN();
    expect(json.temporalUrl).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(id)}`);
    expect(json.replays).toEqual([]);

    const big = await deliver('order.paid', 'demo', { padding: 'x'.repeat(4_000) });
    const bigDoc = await stack.waitForStatus(big, 'succeeded');
    const shown = await api('GET', eventPath(big));
    expect(shown.json.event.body).toEqual({ storage: 'claim-check', bodyId: bigDoc.bodyId, bytes: bigDoc.bodyBytes });
    expect(shown.json.event).not.toHaveProperty('payload');

    const unknown = await api('GET', eventPath('demo:no-such-event'));
    expect(unknown).toMatchObject({ status: 404, json: { error: 'no event "demo:no-such-event"' } });
  });

  test('list: filters by source, type, status and time; pages of 5 cover the set exactly once, newest first', async () => {
    const latest = await stack.store.events.find({}, { projection: { receivedAt: 1 } }).sort({ receivedAt: -1 }).limit(1).toArray();
    const t0 = await clockPast(latest[0]?.receivedAt.getTime() ?? 0);
    const deliverAll = (batch: [string, string][]) => Promise.all(batch.map(([source, type]) => deliver(type, source)));
    const first = await deliverAll([
      ['demo', 'order.paid'],
      ['other', 'order.paid'],
      ['demo', 'order.refunded'],
      ['demo', 'broken.charge'],
      ['other', 'unrouted.ping'],
      ['demo', 'unrouted.ping'],
    ]);
    const firstDocs = await Promise.all(first.map((id) => waitForAnyFinal(id)));
    const middle = await clockPast(Math.max(...firstDocs.map((d) => d.receivedAt.getTime())));
    const second = await deliverAll([
      ['other', 'order.refunded'],
      ['demo', 'order.paid'],
      ['other', 'broken.charge'],
      ['demo', 'broken.charge'],
      ['other', 'order.paid'],
      ['demo', 'unrouted.ping'],
    ]);
    const secondDocs = await Promise.all(second.map((id) => waitForAnyFinal(id)));
    const t1 = await clockPast(Math.max(...secondDocs.map((d) => d.receivedAt.getTime())));
    const all = [...firstDocs, ...secondDocs];
    const range = `from=${new Date(t0).toISOString()}&to=${new Date(t1).toISOString()}`;

    // Page through the dozen, 5 at a time.
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const { status, json }: ApiResult = await api('GET', `/events?${range}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      pages.push(json);
      cursor = json.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages.map((page) => page.events.length)).toEqual([5, 5, 2]);
    const listed = pages.flatMap((page) => page.events);
    const ids = listed.map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(all.map((d) => d._id).sort());
    const expectedOrder = [...all]
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0))
      .map((d) => d._id);
    expect(ids).toEqual(expectedOrder);
    expect(listed[0]).not.toHaveProperty('payload');
    expect(listed[0]).not.toHaveProperty('rawBody');

    const idsOf = async (query: string) => {
      const { status, json } = await api('GET', `/events?${range}&${query}`);
      expect(status).toBe(200);
      return (json.events as { id: string }[]).map((e) => e.id).sort();
    };
    const where = (predicate: (doc: EventDocument) => boolean) => all.filter(predicate).map((d) => d._id).sort();
    expect(await idsOf('source=other')).toEqual(where((d) => d.source === 'other'));
    expect(await idsOf('type=order.refunded')).toEqual(where((d) => d.type === 'order.refunded'));
    expect(await idsOf('status=failed')).toEqual(where((d) => d.status === 'failed'));
    expect(await idsOf('status=failed,ignored')).toEqual(where((d) => d.status === 'failed' || d.status === 'ignored'));
    expect(await idsOf('source=demo&type=broken.charge&status=failed')).toEqual(
      where((d) => d.source === 'demo' && d.type === 'broken.charge'),
    );
    expect((await idsOf('status=failed')).length).toBe(3);
    expect((await idsOf('status=ignored')).length).toBe(3);
    expect((await idsOf('status=succeeded')).length).toBe(6);
    // The time range is [from, to): the split falls between the two batches.
    const split = new Date(middle).toISOString();
    expect(await api('GET', `/events?from=${split}&to=${new Date(t1).toISOString()}&limit=500`).then((r) => r.json.events.map((e: any) => e.id).sort())).toEqual(
      second.sort(),
    );
    expect(await api('GET', `/events?from=${new Date(t0).toISOString()}&to=${split}&limit=500`).then((r) => r.json.events.map((e: any) => e.id).sort())).toEqual(
      first.sort(),
    );

    for (const [query, message] of [
      ['status=bogus', 'unknown status "bogus"'],
      ['from=yesterday', 'from must be an ISO 8601 time'],
      ['limit=0', 'limit must be a whole number from 1 to 500'],
      ['limit=501', 'limit must be a whole number from 1 to 500'],
      ['cursor=garbage', 'invalid cursor'],
      ['stauts=failed', 'unknown field "stauts"'],
      ['source=a&source=b', 'source must be a non-empty string'],
    ]) {
      const { status, json } = await api('GET', `/events?${query}`);
      expect({ query, status, error: json.error }).toEqual({ query, status: 400, error: expect.stringContaining(message) });
    }
  });

  test('retry: a failed event runs again under its workflow ID once the handler is fixed, with the reason recorded', async () => {
    flakyFixed = false;
    const id = await deliver('flaky.sync');
    const failed = await stack.waitForStatus(id, 'failed');
    const firstRun = await stack.waitForWorkflow(id, 'FAILED');
    const shown = await api('GET', eventPath(id));
    expect(shown.json.temporal).toMatchObject({ status: 'FAILED', runId: firstRun.runId, failure: 'handler:flaky: not fixed yet' });
    expect(shown.json.event).toMatchObject({ status: 'failed', lastError: 'handler:flaky: not fixed yet', failedAction: 'handler:flaky' });

    flakyFixed = true;
    const retried = await api('POST', eventPath(id, 'retry'), { reason: 'fixed the handler' });
    expect(retried).toMatchObject({ status: 200, json: { id, workflowId: id, started: true, ordered: false } });
    const succeeded = await stack.waitForStatus(id, 'succeeded');
    const secondRun = await stack.waitForWorkflow(id, 'COMPLETED');
    expect(secondRun.runId).not.toBe(firstRun.runId);
    expect(succeeded).toMatchObject({
      runId: secondRun.runId,
      attempts: 1,
      receivedAt: failed.receivedAt,
      payload: failed.payload,
      intervention: { action: 'retry', reason: 'fixed the handler', at: expect.any(Date) },
      actions: { 'handler:flaky': { status: 'succeeded', result: { fixed: true } } },
    });
    expect(succeeded.lastError).toBeUndefined();
    // The handler saw the stored event both times, not a fresh delivery.
    const runs = seen.get(id)!;
    expect(runs).toHaveLength(2);
    expect(runs[1].payload).toEqual(runs[0].payload);
    expect(runs[1].receivedAt).toEqual(runs[0].receivedAt);

    const again = await api('POST', eventPath(id, 'retry'), {});
    expect(again).toMatchObject({
      status: 409,
      json: { error: `event ${id} cannot be retried: it completed (succeeded); replay it to run it again` },
    });
    expect((await api('POST', eventPath('demo:no-such-event', 'retry'), {})).status).toBe(404);
    expect((await api('POST', eventPath(id, 'retry'), { reason: 'x', force: true })).status).toBe(400);
  });

  test('replay: a succeeded event runs again as #replay-1, then #replay-2, linked by replayOf; the original is untouched', async () => {
    const id = await deliver('order.paid');
    const original = await stack.waitForStatus(id, 'succeeded');

    const first = await api('POST', eventPath(id, 'replay'), { reason: 'downstream lost it' });
    expect(first).toMatchObject({ status: 200, json: { id, workflowId: `${id}#replay-1`, replayOf: id, started: true } });
    const replay = await stack.waitForStatus(`${id}#replay-1`, 'succeeded');
    expect(replay).toMatchObject({
      replayOf: id,
      source: original.source,
      eventId: original.eventId,
      type: original.type,
      payload: original.payload,
      receivedAt: original.receivedAt,
      actions: { 'handler:ok': { status: 'succeeded', result: { ok: true } } },
    });
    expect(Buffer.from(replay.rawBody!.buffer).equals(Buffer.from(original.rawBody!.buffer))).toBe(true);
    await stack.waitForWorkflow(`${id}#replay-1`, 'COMPLETED');
    expect(seen.get(`${id}#replay-1`)![0].payload).toEqual(original.payload);

    const second = await api('POST', eventPath(id, 'replay'), {});
    expect(second.json.workflowId).toBe(`${id}#replay-2`);
    await stack.waitForStatus(`${id}#replay-2`, 'succeeded');
    // A replay of a replay hangs off the original.
    const third = await api('POST', eventPath(`${id}#replay-1`, 'replay'), {});
    expect(third.json).toMatchObject({ workflowId: `${id}#replay-3`, replayOf: id });
    await stack.waitForStatus(`${id}#replay-3`, 'succeeded');

    expect(await stack.store.events.findOne({ _id: id })).toEqual(original);
    expect((await stack.waitForWorkflow(id, 'COMPLETED')).runId).toBe(original.runId);
    const shown = await api('GET', eventPath(id));
    expect(shown.json.replays.map((r: { id: string }) => r.id)).toEqual([`${id}#replay-1`, `${id}#replay-2`, `${id}#replay-3`]);
    expect(shown.json.replays[0]).toMatchObject({ status: 'succeeded', replayOf: id });

    // A claim-checked event replays from the same stored body.
    const big = await deliver('order.paid', 'demo', { padding: 'y'.repeat(4_000) });
    const bigDoc = await stack.waitForStatus(big, 'succeeded');
    expect((await api('POST', eventPath(big, 'replay'), {})).json.workflowId).toBe(`${big}#replay-1`);
    const bigReplay = await stack.waitForStatus(`${big}#replay-1`, 'succeeded');
    expect(bigReplay).toMatchObject({ bodyId: bigDoc.bodyId, bodyBytes: bigDoc.bodyBytes, replayOf: big });
    expect(seen.get(`${big}#replay-1`)![0].payload).toEqual(seen.get(big)![0].payload);

    expect((await api('POST', eventPath('demo:no-such-event', 'replay'), {})).status).toBe(404);
  });

  test('bulk: limit is required and capped; a dry run starts nothing; a real run respects the limit and reports what it skipped', async () => {
    bulkFixed = false;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await deliver('bulk.export')); // one by one: distinct receivedAt order
    const failed = await Promise.all(ids.map((id) => stack.waitForStatus(id, 'failed')));
    const runs = await Promise.all(ids.map((id) => stack.waitForWorkflow(id, 'FAILED')));

    expect(await api('POST', '/events/retry', { type: 'bulk.export' })).toMatchObject({ status: 400, json: { error: 'limit is required (1 to 1000)' } });
    expect((await api('POST', '/events/retry', { type: 'bulk.export', limit: 1001 })).status).toBe(400);
    expect((await api('POST', '/events/retry', { type: 'bulk.export', limit: 5, dryrun: true })).json.error).toContain('unknown field "dryrun"');
    expect((await api('POST', '/events/replay', {})).status).toBe(400);

    const dry = await api('POST', '/events/retry', { type: 'bulk.export', limit: 10, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ action: 'retry', dryRun: true, matched: 3, count: 3, skipped: [] });
    expect([...dry.json.wouldStart].sort()).toEqual([...ids].sort());
    expect(dry.json).not.toHaveProperty('started');
    const dryReplay = await api('POST', '/events/replay', { type: 'bulk.export', limit: 10, dryRun: true });
    expect(dryReplay.json).toMatchObject({ dryRun: true, count: 3 });
    // Nothing started: the same failed runs, no replays, the documents as they were.
    for (const [i, id] of ids.entries()) {
      const description = await stack.client.workflow.getHandle(id).describe();
      expect({ status: description.status.name, runId: description.runId }).toEqual({ status: 'FAILED', runId: runs[i].runId });
      expect(await describeOrUndefined(`${id}#replay-1`)).toBeUndefined();
      expect(await stack.store.events.findOne({ _id: id })).toEqual(failed[i]);
    }

    bulkFixed = true;
    const real = await api('POST', '/events/retry', { type: 'bulk.export', limit: 2, reason: 'bulk fix' });
    expect(real.json).toMatchObject({ action: 'retry', dryRun: false, matched: 2, count: 2, skipped: [] });
    // Newest first: the last two delivered.
    const newestTwo = [ids[2], ids[1]];
    expect(real.json.started).toEqual(newestTwo.map((id) => ({ id, workflowId: id })));
    for (const id of newestTwo) {
      expect(await stack.waitForStatus(id, 'succeeded')).toMatchObject({ intervention: { action: 'retry', reason: 'bulk fix' } });
      // The only action's success write comes just before the workflow completes.
      await stack.waitForWorkflow(id, 'COMPLETED');
    }
    expect(await stack.store.events.findOne({ _id: ids[0] })).toEqual(failed[0]);

    // With succeeded events in the match, those are skipped with the reason, the failed one runs.
    const mixed = await api('POST', '/events/retry', { type: 'bulk.export', status: ['failed', 'succeeded'], limit: 10 });
    expect(mixed.json).toMatchObject({ matched: 3, count: 1, started: [{ id: ids[0], workflowId: ids[0] }] });
    expect(mixed.json.skipped).toEqual(
      newestTwo.map((id) => ({ id, reason: `event ${id} cannot be retried: it completed (succeeded); replay it to run it again` })),
    );
    await stack.waitForStatus(ids[0], 'succeeded');

    // Bulk replay of the same three, limited to one.
    const replayed = await api('POST', '/events/replay', { type: 'bulk.export', limit: 1 });
    expect(replayed.json).toMatchObject({ action: 'replay', count: 1, started: [{ id: ids[2], workflowId: `${ids[2]}#replay-1` }] });
    await stack.waitForStatus(`${ids[2]}#replay-1`, 'succeeded');
  });

  test('terminate: the workflow ends TERMINATED and the event is marked terminated with the reason; a retry then runs it', async () => {
    const id = await deliver('stuck.forever');
    await waitUntil('the handler to start', async () => (stuckStarted.has(id) ? true : undefined), { timeoutMs: 10_000 });

    expect(await api('POST', eventPath(id, 'retry'), {})).toMatchObject({
      status: 409,
      json: { error: `event ${id} cannot be retried: it is still running` },
    });
    expect(await api('POST', eventPath(id, 'terminate'), {})).toMatchObject({ status: 400, json: { error: expect.stringContaining('reason is required') } });
    expect((await api('POST', eventPath(id, 'terminate'), { reason: '   ' })).status).toBe(400);
    expect((await api('POST', eventPath(id, 'terminate'), 'not an object')).status).toBe(400);

    const terminated = await api('POST', eventPath(id, 'terminate'), { reason: 'stuck on a bad payload' });
    expect(terminated).toMatchObject({ status: 200, json: { id, status: 'terminated', runId: expect.any(String) } });
    await stack.waitForWorkflow(id, 'TERMINATED');
    // The attempt in flight learns of it at its next heartbeat and stops; it writes nothing.
    await waitUntil('the handler to be aborted', async () => (stuckAborted.has(id) ? true : undefined), { timeoutMs: 10_000 });
    const doc = await stack.store.events.findOne({ _id: id });
    expect(doc).toMatchObject({
      status: 'terminated',
      completedAt: expect.any(Date),
      intervention: { action: 'terminate', reason: 'stuck on a bad payload', at: expect.any(Date) },
    });
    const shown = await api('GET', eventPath(id));
    expect(shown.json.temporal).toMatchObject({ status: 'TERMINATED', failure: 'terminated: stuck on a bad payload' });

    expect(await api('POST', eventPath(id, 'terminate'), { reason: 'again' })).toMatchObject({
      status: 409,
      json: { error: `cannot terminate event ${id}: it is not running (its workflow is TERMINATED, status terminated)` },
    });
    expect((await api('POST', eventPath(id, 'cancel'), { reason: 'again' })).status).toBe(409);
    expect((await api('POST', eventPath('demo:no-such-event', 'terminate'), { reason: 'x' })).status).toBe(404);

    unstuck.add(id);
    expect((await api('POST', eventPath(id, 'retry'), { reason: 'payload fixed upstream' })).status).toBe(200);
    expect(await stack.waitForStatus(id, 'succeeded')).toMatchObject({
      intervention: { action: 'retry', reason: 'payload fixed upstream' },
      actions: { 'handler:stuck': { status: 'succeeded', result: { unstuck: true } } },
    });
  });

  test('cancel: the running handler is aborted, the workflow ends CANCELLED and the event records the reason', async () => {
    const id = await deliver('stuck.waiting');
    await waitUntil('the handler to start', async () => (stuckStarted.has(id) ? true : undefined), { timeoutMs: 10_000 });
    expect((await api('POST', eventPath(id, 'cancel'), {})).status).toBe(400);

    const cancelled = await api('POST', eventPath(id, 'cancel'), { reason: 'customer asked us to stop' });
    expect(cancelled).toMatchObject({ status: 202, json: { id, status: 'cancel_requested' } });
    const doc = await stack.waitForStatus(id, 'cancelled');
    expect(stuckAborted.has(id)).toBe(true);
    expect(doc).toMatchObject({
      intervention: { action: 'cancel', reason: 'customer asked us to stop', at: expect.any(Date) },
      actions: { 'handler:stuck': { status: 'cancelled' } },
      completedAt: expect.any(Date),
    });
    await stack.waitForWorkflow(id, 'CANCELLED');
    expect((await api('POST', eventPath(id, 'cancel'), { reason: 'again' })).status).toBe(409);
    expect((await api('POST', eventPath('demo:no-such-event', 'cancel'), { reason: 'x' })).status).toBe(404);

    // A cancelled event may be retried.
    unstuck.add(id);
    expect((await api('POST', eventPath(id, 'retry'), {})).status).toBe(200);
    await stack.waitForStatus(id, 'succeeded');
  });

  test('ordered routes: a retry queues behind its key (and may be judged stale); a replay runs unordered, never stale', async () => {
    const customer = `cus_${Date.now().toString(36)}`;
    const now = Math.floor(Date.now() / 1000);
    const send = async (seconds: number, { refuse = false } = {}) => {
      const { id, body } = demoEvent('balance.updated', { data: { customer } });
      if (refuse) failBalance.add(id);
      const response = await stack.post('/webhooks/ordered', body, hmacHeaders(body, 'test-secret', { 'x-timestamp': String(seconds) }));
      expect(response.json).toMatchObject({ status: 'accepted' });
      return { id, workflowId: `ordered:${id}` };
    };
    const older = await send(now - 60, { refuse: true });
    await stack.waitForStatus(older.workflowId, 'failed');
    const newer = await send(now);
    await stack.waitForStatus(newer.workflowId, 'succeeded');
    await stack.waitForWorkflow(newer.workflowId, 'COMPLETED');

    // A newer event of the key has succeeded: the retried older one is judged stale, as a
    // redelivery would be, because the retry goes through the key's queue.
    failBalance.delete(older.id);
    const retried = await api('POST', eventPath(older.workflowId, 'retry'), {});
    expect(retried.json).toMatchObject({ started: true, ordered: true });
    const stale = await stack.waitForStatus(older.workflowId, 'stale');
    expect(stale).toMatchObject({ orderingKey: customer, actions: { 'handler:balance': { status: 'skipped' } } });

    // The replay runs now, unordered: not stale, no ordering key.
    const replayed = await api('POST', eventPath(older.workflowId, 'replay'), {});
    expect(replayed.json.workflowId).toBe(`${older.workflowId}#replay-1`);
    const replay = await stack.waitForStatus(`${older.workflowId}#replay-1`, 'succeeded');
    expect(replay.orderingKey).toBeUndefined();
    expect(replay).toMatchObject({ replayOf: older.workflowId, actions: { 'handler:balance': { status: 'succeeded', result: { applied: true } } } });
  });

  /** Any final status: what the dozen list events end in depends on their type. */
  function waitForAnyFinal(id: string): Promise<EventDocument> {
    return waitUntil(
      `event ${id} to finish`,
      async () => (await stack.store.events.findOne({ _id: id, status: { $in: ['succeeded', 'failed', 'ignored'] } })) ?? undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  test('show: an action being retried is pending in the document, and Temporal says which attempt and why', async () => {
    const id = await deliver('down.created');
    const shown = await waitUntil(
      'the first attempt to fail',
      async () => {
        const result = await api('GET', eventPath(id));
        return result.json.temporal?.pendingActions?.[0]?.lastFailure ? result : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(shown.json.event.actions['handler:down']).toMatchObject({ status: 'pending' });
    expect(shown.json.temporal.pendingActions).toEqual([
      expect.objectContaining({ action: 'handler:down', attempt: 2, state: 'scheduled', lastFailure: 'the ledger is down' }),
    ]);
    expect(new Date(shown.json.temporal.pendingActions[0].nextAttemptAt).getTime()).toBeGreaterThan(Date.now());
    await stack.client.workflow.getHandle(id).terminate('test done');
  });
});
