import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { PermanentError } from '../../src/handlers/permanent-error';
import { runCommand } from '../../src/stack/run-command';
import { waitUntil } from '../../src/stack/wait-until';
import { createBodyStore } from '../../src/store/body-store';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = 'retry-and-replay-admin-token-0123456789';

/**
 * Issue #16, items 1, 3 and 4, on the real stack through the admin API and the CLI: a retry
 * runs only the actions that did not succeed (a forward to a real HTTP destination is not
 * delivered twice), bulk runs leave replays out unless asked, and a replay is listed at the time
 * it was made while keeping its original's times.
 */
describe('admin retry and replay: what runs again, what bulk selects, when a replay is listed', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  let destination: DestinationServer;
  let stack: TestStack;
  let admin: RunningAdminServer;
  /** Handler runs by handler and workflow ID: `crm demo:evt_...` → count. */
  const runs = new Map<string, number>();
  const ran = (handler: string, workflowId: string) => runs.get(`${handler} ${workflowId}`) ?? 0;
  let crmFixed = false;
  let exportFixed = false;

  beforeAll(async () => {
    destination = await startDestinationServer(secret);
    const to = (p: string) => ({ url: `${destination.url}${p}`, secrets: [secret], timeoutMs: 5_000 });
    const count = (handler: string, workflowId: string) => runs.set(`${handler} ${workflowId}`, ran(handler, workflowId) + 1);
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      destinations: { ledger: to('/ledger'), billing: to('/billing') },
      routes: [
        // A forward that succeeds beside a handler that fails for good until it is fixed...
        { source: 'demo', events: ['signup.*'], actions: [{ forward: 'ledger' }, { handler: 'crm' }] },
        // ...and a handler that succeeds beside a forward the destination refuses (400) at first.
        { source: 'demo', events: ['invoice.*'], actions: [{ handler: 'log' }, { forward: 'billing' }] },
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'log' }] },
        { source: 'demo', events: ['export.*'], actions: [{ handler: 'export' }] },
      ],
      handlers: {
        crm: (event) => {
          count('crm', event.workflowId);
          if (!crmFixed) throw new PermanentError('the CRM refuses this customer');
          return { crm: 'synced' };
        },
        log: (event) => {
          count('log', event.workflowId);
          return { logged: event.id };
        },
        export: (event) => {
          count('export', event.workflowId);
          if (!exportFixed) throw new PermanentError('export target is read-only');
          return { exported: true };
        },
      },
      retry: { initialIntervalMs: 100, maximumIntervalMs: 200, maximumAttempts: 2 },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token: TOKEN, bulkRatePerSecond: 50 } };
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, bodies: createBodyStore(stack.store.bodies), logger: pino({ level: 'silent' }) },
      '127.0.0.1',
      0,
    );
  });

  afterAll(async () => {
    await admin?.close();
    await stack?.close();
    await destination?.close();
  });

  async function api(method: 'GET' | 'POST', p: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${admin.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }
  const eventPath = (id: string, action?: string) => `/events/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

  async function deliver(type: string): Promise<{ id: string; workflowId: string }> {
    const { id, body } = demoEvent(type);
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))).json).toMatchObject({ status: 'accepted' });
    return { id, workflowId: `demo:${id}` };
  }

  const cli = (args: string[]) =>
    runCommand(process.execPath, [path.join(ROOT, 'bin', 'hookflow.js'), 'events', ...args], {
      cwd: ROOT,
      env: { ...process.env, HOOKFLOW_ADMIN_URL: admin.url, HOOKFLOW_ADMIN_TOKEN: TOKEN },
      timeoutMs: 30_000,
    });

  /** Deliveries the destination got at `p` for one event (the forward body carries its ID). */
  const deliveries = (p: string, id: string) => destination.requests(p).filter((r) => JSON.parse(r.body).id === id);

  /** Resolves once the wall clock has passed `ms`, so times taken after it are strictly later. */
  const clockPast = (ms: number) =>
    waitUntil('the clock to tick', async () => (Date.now() > ms ? Date.now() : undefined), { timeoutMs: 1_000, intervalMs: 1 });

  test('retry after a failed handler: the forward that succeeded is not delivered again; its record and result are kept', async () => {
    crmFixed = false;
    const { id, workflowId } = await deliver('signup.created');
    const failed = await stack.waitForStatus(workflowId, 'failed');
    await stack.waitForWorkflow(workflowId, 'FAILED');
    expect(failed).toMatchObject({
      failedAction: 'handler:crm',
      actions: { 'forward:ledger': { status: 'succeeded', attempts: 1, result: { status: 200 } }, 'handler:crm': { status: 'failed' } },
    });
    expect(deliveries('/ledger', id)).toHaveLength(1);

    const dry = await api('POST', '/events/retry', { type: 'signup.created', limit: 10, dryRun: true });
    expect(dry.json).toMatchObject({ matched: 1, wouldStart: [workflowId] });

    crmFixed = true;
    const retried = await api('POST', eventPath(workflowId, 'retry'), { reason: 'CRM fixed' });
    expect(retried).toMatchObject({
      status: 200,
      json: { id: workflowId, started: true, actions: ['handler:crm'], alreadySucceeded: ['forward:ledger'] },
    });
    const succeeded = await stack.waitForStatus(workflowId, 'succeeded');
    await stack.waitForWorkflow(workflowId, 'COMPLETED');

    expect(deliveries('/ledger', id)).toHaveLength(1);
    expect(ran('crm', workflowId)).toBe(2);
    expect(succeeded.actions).toEqual({
      // The earlier run's record, as it was: same attempts, result and finish time.
      'forward:ledger': failed.actions['forward:ledger'],
      'handler:crm': expect.objectContaining({ status: 'succeeded', attempts: 1, result: { crm: 'synced' } }),
    });
    expect(succeeded.runId).not.toBe(failed.runId);
    expect(succeeded.lastError).toBeUndefined();
    expect(succeeded.failedAction).toBeUndefined();

    // A replay still runs everything: the destination gets it again, under the replay's ID.
    const replayed = await api('POST', eventPath(workflowId, 'replay'), {});
    await stack.waitForStatus(replayed.json.workflowId, 'succeeded');
    expect(deliveries('/ledger', id).map((r) => r.headers['webhook-id'])).toEqual([
      `${workflowId}/forward:ledger`,
      `${workflowId}#replay-1/forward:ledger`,
    ]);
    expect(ran('crm', `${workflowId}#replay-1`)).toBe(1);
  });

  test('retry after a refused forward (CLI): the handler that succeeded does not run again, the forward is delivered', async () => {
    destination.script('/billing', [{ status: 400, body: '{"error":"unknown account"}' }]);
    const { id, workflowId } = await deliver('invoice.paid');
    const failed = await stack.waitForStatus(workflowId, 'failed');
    await stack.waitForWorkflow(workflowId, 'FAILED');
    expect(failed).toMatchObject({
      failedAction: 'forward:billing',
      lastError: 'forward:billing: HTTP 400 Bad Request: {"error":"unknown account"}',
      actions: { 'handler:log': { status: 'succeeded', result: { logged: id } }, 'forward:billing': { status: 'failed', attempts: 1 } },
    });
    expect(ran('log', workflowId)).toBe(1);

    // The destination answers 200 from now on.
    const retried = await cli(['retry', workflowId, '--reason', 'account created']);
    expect(retried).toMatchObject({ code: 0, stdout: `retry started: ${workflowId}; not run again, succeeded before: handler:log\n` });
    const succeeded = await stack.waitForStatus(workflowId, 'succeeded');
    await stack.waitForWorkflow(workflowId, 'COMPLETED');

    expect(ran('log', workflowId)).toBe(1);
    expect(deliveries('/billing', id).map((r) => r.verified)).toEqual([true, true]);
    expect(succeeded.actions).toEqual({
      'handler:log': failed.actions['handler:log'],
      'forward:billing': expect.objectContaining({ status: 'succeeded', attempts: 1, result: { status: 200, body: '{"ok":true}' } }),
    });
    expect(succeeded.intervention).toMatchObject({ action: 'retry', reason: 'account created' });
  });

  test('a replay is listed when it was made (replayedAt), before events received since its original; its original times stay', async () => {
    const type = `order.t${Date.now().toString(36)}`;
    const first = await deliver(type);
    const original = await stack.waitForStatus(first.workflowId, 'succeeded');
    await clockPast(original.receivedAt.getTime());
    const second = await deliver(type);
    const later = await stack.waitForStatus(second.workflowId, 'succeeded');
    const beforeReplay = await clockPast(later.receivedAt.getTime());

    const replayed = await api('POST', eventPath(first.workflowId, 'replay'), {});
    const replayId = `${first.workflowId}#replay-1`;
    expect(replayed.json.workflowId).toBe(replayId);
    const replay = await stack.waitForStatus(replayId, 'succeeded');
    expect(replay.receivedAt).toEqual(original.receivedAt);
    expect(replay.occurredAt).toEqual(original.occurredAt);
    expect(replay.replayedAt!.getTime()).toBeGreaterThanOrEqual(beforeReplay);
    expect(replay.listedAt).toEqual(replay.replayedAt);
    expect(original.listedAt).toEqual(original.receivedAt);
    expect(original.replayedAt).toBeUndefined();

    // Newest first: the replay, then the later delivery, then the original.
    const listed = await api('GET', `/events?type=${type}`);
    expect(listed.json.events.map((e: { id: string }) => e.id)).toEqual([replayId, second.workflowId, first.workflowId]);
    expect(listed.json.events[0]).toMatchObject({ receivedAt: original.receivedAt.toISOString(), replayedAt: replay.replayedAt!.toISOString() });
    // Pages of one follow the same order.
    const page1 = await api('GET', `/events?type=${type}&limit=1`);
    const page2 = await api('GET', `/events?type=${type}&limit=1&cursor=${page1.json.nextCursor}`);
    expect([page1.json.events[0].id, page2.json.events[0].id]).toEqual([replayId, second.workflowId]);
    // `from` is on the same time: only the replay was listed after the later delivery.
    const since = await api('GET', `/events?type=${type}&from=${new Date(beforeReplay).toISOString()}`);
    expect(since.json.events.map((e: { id: string }) => e.id)).toEqual([replayId]);

    const shown = await cli(['show', replayId]);
    expect(shown.stdout).toContain(`  received     ${original.receivedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}\n`);
    expect(shown.stdout).toContain(`  replayed     ${replay.replayedAt!.toISOString().replace(/\.\d{3}Z$/, 'Z')}\n`);
  });

  test('bulk replay and retry leave replays out unless includeReplays (CLI: --include-replays); dry runs match the same set', async () => {
    const type = `export.t${Date.now().toString(36)}`;
    exportFixed = false;
    const a = await deliver(type);
    const aDoc = await stack.waitForStatus(a.workflowId, 'failed');
    await clockPast(aDoc.receivedAt.getTime());
    const b = await deliver(type);
    await Promise.all([a, b].map((e) => stack.waitForStatus(e.workflowId, 'failed')));
    await Promise.all([a, b].map((e) => stack.waitForWorkflow(e.workflowId, 'FAILED')));
    // A replay of `a` fails the same way: a failed event of the same type.
    expect((await api('POST', eventPath(a.workflowId, 'replay'), {})).json.workflowId).toBe(`${a.workflowId}#replay-1`);
    await stack.waitForStatus(`${a.workflowId}#replay-1`, 'failed');
    await stack.waitForWorkflow(`${a.workflowId}#replay-1`, 'FAILED');
    const originals = [b.workflowId, a.workflowId];
    const withReplay = [`${a.workflowId}#replay-1`, ...originals];

    const dryRetry = await api('POST', '/events/retry', { type, limit: 10, dryRun: true });
    expect(dryRetry.json).toMatchObject({ includeReplays: false, matched: 2, wouldStart: originals });
    const dryRetryAll = await api('POST', '/events/retry', { type, limit: 10, dryRun: true, includeReplays: true });
    expect(dryRetryAll.json).toMatchObject({ includeReplays: true, matched: 3, wouldStart: withReplay });
    expect((await api('POST', '/events/retry', { type, limit: 10, includeReplays: 'yes' })).status).toBe(400);

    const dryReplay = await cli(['replay', '--type', type, '--limit', '10', '--dry-run']);
    expect(dryReplay.stdout).toBe(`dry run: 2 of 2 matching events would be replayed; nothing was started\n${originals.map((id) => `  ${id}\n`).join('')}`);
    const dryReplayAll = await cli(['replay', '--type', type, '--limit', '10', '--dry-run', '--include-replays', '--json']);
    expect(JSON.parse(dryReplayAll.stdout)).toMatchObject({ matched: 3, wouldStart: withReplay });

    // The real bulk replay starts exactly what its dry run listed: no replay of a replay.
    const real = await api('POST', '/events/replay', { type, limit: 10 });
    expect(real.json).toMatchObject({
      matched: 2,
      count: 2,
      started: [
        { id: b.workflowId, workflowId: `${b.workflowId}#replay-1` },
        { id: a.workflowId, workflowId: `${a.workflowId}#replay-2` },
      ],
    });
    await Promise.all([`${b.workflowId}#replay-1`, `${a.workflowId}#replay-2`].map((id) => stack.waitForStatus(id, 'failed')));

    // Bulk retry, fixed: the two originals run again; the three failed replays stay as they are.
    exportFixed = true;
    const retried = await api('POST', '/events/retry', { type, limit: 10 });
    expect(retried.json).toMatchObject({ matched: 2, count: 2 });
    await Promise.all(originals.map((id) => stack.waitForStatus(id, 'succeeded')));
    expect(await stack.store.events.countDocuments({ type, replayOf: { $exists: true }, status: 'failed' })).toBe(3);
  });
});
