import path from 'node:path';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { PermanentError } from '../../src/handlers/permanent-error';
import { runCommand } from '../../src/stack/run-command';
import { waitUntil } from '../../src/stack/wait-until';
import { createBodyStore } from '../../src/store/body-store';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'hookflow.js');
const TOKEN = 'cli-admin-token-0123456789abcdef';

/**
 * `hookflow events ...` as an operator runs it: a process talking HTTP to an admin API started
 * here over the test stack, found through HOOKFLOW_ADMIN_URL and HOOKFLOW_ADMIN_TOKEN.
 */
describe('hookflow events (CLI) against a running admin API', () => {
  let stack: TestStack;
  let admin: RunningAdminServer;
  let fixed = false;
  let succeededId: string;
  let failedId: string;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [
        { source: 'demo', events: ['order.*'], actions: [{ handler: 'ok' }] },
        { source: 'demo', events: ['sync.*'], actions: [{ handler: 'flaky' }] },
      ],
      handlers: {
        ok: () => ({ ok: true }),
        flaky: () => {
          if (!fixed) throw new PermanentError('downstream refused it');
          return { synced: true };
        },
      },
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token: TOKEN } };
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, bodies: createBodyStore(stack.store.bodies), logger: pino({ level: 'silent' }) },
      '127.0.0.1',
      0,
    );
    succeededId = await deliver('order.paid');
    failedId = await deliver('sync.requested');
    await stack.waitForStatus(succeededId, 'succeeded');
    await stack.waitForStatus(failedId, 'failed');
    // The success is written just before the workflow completes; wait for Temporal to agree.
    await waitUntil(
      'the succeeded workflow to complete',
      async () => ((await stack.client.workflow.getHandle(succeededId).describe()).status.name === 'COMPLETED' ? true : undefined),
      { timeoutMs: 10_000 },
    );
  });

  afterAll(async () => {
    await admin?.close();
    await stack?.close();
  });

  async function deliver(type: string): Promise<string> {
    const { id, body } = demoEvent(type);
    await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'));
    return `demo:${id}`;
  }

  const hookflow = (args: string[], token = TOKEN) =>
    runCommand(process.execPath, [BIN, 'events', ...args], {
      cwd: ROOT,
      env: { ...process.env, HOOKFLOW_ADMIN_URL: admin.url, HOOKFLOW_ADMIN_TOKEN: token },
      timeoutMs: 30_000,
    });

  test('`events list --json` prints the API answer; `events list` a table; filters are flags', async () => {
    const [json, table, failedOnly] = await Promise.all([
      hookflow(['list', '--json']),
      hookflow(['list']),
      hookflow(['list', '--status', 'failed', '--source', 'demo', '--json']),
    ]);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const page = JSON.parse(json.stdout);
    expect(page.nextCursor).toBeNull();
    expect(page.events.map((e: { id: string }) => e.id).sort()).toEqual([succeededId, failedId].sort());

    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+SOURCE\s+TYPE\s+RECEIVED\s+ATTEMPTS\s+LAST ERROR$/);
    expect(table.stdout).toMatch(new RegExp(`${failedId}\\s+failed\\s+demo\\s+sync\\.requested\\s+\\S+Z\\s+1\\s+handler:flaky: downstream refused it`));
    expect(table.stdout).toMatch(new RegExp(`${succeededId}\\s+succeeded\\s+demo\\s+order\\.paid`));
    expect(lines.at(-1)).toBe('2 events');

    expect(failedOnly.code).toBe(0);
    expect(JSON.parse(failedOnly.stdout).events.map((e: { id: string }) => e.id)).toEqual([failedId]);
  });

  test('`events list --limit 1` says how to get the next page', async () => {
    const first = await hookflow(['list', '--limit', '1']);
    expect(first.code).toBe(0);
    const more = /^more: hookflow events list --limit 1 --cursor (\S+)$/m.exec(first.stdout);
    expect(more).not.toBeNull();
    const second = await hookflow(['list', '--limit', '1', '--cursor', more![1], '--json']);
    const [firstId] = /^demo:\S+/m.exec(first.stdout)!;
    expect(JSON.parse(second.stdout).events.map((e: { id: string }) => e.id)).toEqual([[succeededId, failedId].find((id) => id !== firstId)]);
  });

  test('`events show <id>` prints the event, its Temporal run with the failure, and the UI link', async () => {
    const [text, json] = await Promise.all([hookflow(['show', failedId]), hookflow(['show', failedId, '--json'])]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${failedId}  failed`);
    expect(text.stdout).toMatch(/last error\s+handler:flaky: downstream refused it/);
    expect(text.stdout).toMatch(/status\s+FAILED/);
    expect(text.stdout).toMatch(/failure\s+handler:flaky: downstream refused it/);
    expect(text.stdout).toContain(`/namespaces/default/workflows/${encodeURIComponent(failedId)}`);
    expect(text.stdout).toMatch(/handler:flaky\s+failed\s+1\s+handler:flaky: downstream refused it/);
    expect(text.stdout).toContain('"type": "sync.requested"');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ event: { id: failedId, status: 'failed' }, temporal: { status: 'FAILED' } });
  });

  test('failures exit 1 with the API message: unknown event, not retryable, missing reason, wrong token, no server', async () => {
    const [unknown, notRetryable, noReason, wrongToken, bulkNoLimit] = await Promise.all([
      hookflow(['show', 'demo:no-such-event']),
      hookflow(['retry', succeededId]),
      hookflow(['terminate', failedId]),
      hookflow(['list'], 'not-the-token-not-the-token'),
      hookflow(['retry', '--status', 'failed']),
    ]);
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'hookflow: 404 no event "demo:no-such-event"\n' });
    expect(notRetryable).toMatchObject({
      code: 1,
      stderr: `hookflow: 409 event ${succeededId} cannot be retried: it completed (succeeded); replay it to run it again\n`,
    });
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain('hookflow: 400 reason is required');
    expect(wrongToken).toMatchObject({ code: 1, stderr: 'hookflow: 403 wrong admin token\n' });
    expect(bulkNoLimit).toMatchObject({ code: 1, stderr: 'hookflow: 400 limit is required (1 to 1000)\n' });

    const down = await runCommand(process.execPath, [BIN, 'events', 'list'], {
      cwd: ROOT,
      env: { ...process.env, HOOKFLOW_ADMIN_URL: 'http://127.0.0.1:1', HOOKFLOW_ADMIN_TOKEN: TOKEN },
      timeoutMs: 30_000,
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('hookflow: cannot reach the admin API at http://127.0.0.1:1');
  });

  test('usage errors exit 2 and print the usage', async () => {
    const result = await hookflow(['show']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('`events show` needs an event ID');
    expect(result.stderr).toContain('hookflow events list');
  });

  test('bulk `events retry --status failed --limit 10 --dry-run` lists what would run; `events retry <id>` runs it once fixed', async () => {
    const dry = await hookflow(['retry', '--status', 'failed', '--limit', '10', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(`dry run: 1 of 1 matching events would be retried; nothing was started\n  ${failedId}\n`);
    expect(await stack.store.events.findOne({ _id: failedId })).toMatchObject({ status: 'failed' });

    fixed = true;
    const retried = await hookflow(['retry', failedId, '--reason', 'downstream is back']);
    expect(retried).toMatchObject({ code: 0, stdout: `retry started: ${failedId}\n`, stderr: '' });
    expect(await stack.waitForStatus(failedId, 'succeeded')).toMatchObject({
      intervention: { action: 'retry', reason: 'downstream is back' },
    });
  });
});
