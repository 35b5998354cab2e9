import path from 'node:path';
import pino from 'pino';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/start-admin-server';
import { PermanentError } from '../../src/handlers/permanent-error';
import type { ActivityMetrics, AttemptOutcome } from '../../src/metrics/activity-metrics';
import { createWorkerMetrics } from '../../src/metrics/create-worker-metrics';
import { runCommand } from '../../src/stack/run-command';
import { createBodyStore } from '../../src/store/body-store';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = 'action-failures-admin-token-0123456789';

/**
 * Issue #16, items 2 and 5: how a failed action is counted and how its failure reads. The last
 * attempt Temporal makes is `failed` in hookflow_action_duration_seconds, and both kinds of
 * failure (a thrown Error, a PermanentError) read `<action>: <message>` in the document, in
 * Temporal, in the admin API and in the CLI.
 */
describe('action failures: the label of each attempt, and one error text everywhere', () => {
  let stack: TestStack;
  let admin: RunningAdminServer;
  const metrics = createWorkerMetrics();
  /** Every attempt the worker reported, in order. */
  const attempts: { kind: string; outcome: AttemptOutcome; attempt: number }[] = [];
  const recording: ActivityMetrics = {
    eventFinished: (status) => metrics.eventFinished(status),
    actionAttempt(kind, outcome, attempt, seconds) {
      attempts.push({ kind, outcome, attempt });
      metrics.actionAttempt(kind, outcome, attempt, seconds);
    },
  };

  beforeAll(async () => {
    stack = await createTestStack({
      sources: { demo: DEMO_SOURCE },
      routes: [
        { source: 'demo', events: ['down.*'], actions: [{ handler: 'down' }], retry: { maximumAttempts: 3 } },
        { source: 'demo', events: ['poison.*'], actions: [{ handler: 'poison' }], retry: { maximumAttempts: 3 } },
        { source: 'demo', events: ['fanout.*'], actions: [{ handler: 'down' }, { handler: 'ok' }], retry: { maximumAttempts: 2 } },
      ],
      handlers: {
        down: () => {
          throw new Error('downstream is down');
        },
        poison: () => {
          throw new PermanentError('cannot process this');
        },
        ok: () => ({ ok: true }),
      },
      workerMetrics: recording,
    });
    const config = { ...stack.config, admin: { ...stack.config.admin, token: TOKEN } };
    admin = await startAdminServer(
      { config, temporal: stack.client, events: stack.store.events, bodies: createBodyStore(stack.store.bodies), logger: pino({ level: 'silent' }) },
      '127.0.0.1',
      0,
    );
  });

  afterAll(async () => {
    await admin?.close();
    await stack?.close();
  });

  /** Deliver one event and wait until it has failed, in MongoDB and in Temporal. */
  async function deliverAndFail(type: string): Promise<string> {
    const { id, body } = demoEvent(type);
    expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, 'test-secret'))).json.status).toBe('accepted');
    const workflowId = `demo:${id}`;
    await stack.waitForStatus(workflowId, 'failed');
    await stack.waitForWorkflow(workflowId, 'FAILED');
    return workflowId;
  }

  /** The attempts reported while `run` ran; each scenario runs alone. */
  async function attemptsDuring(run: () => Promise<unknown>) {
    const before = attempts.length;
    await run();
    return attempts.slice(before);
  }

  const durationCounts = async () =>
    Object.fromEntries(
      (await metrics.registry.metrics())
        .split('\n')
        .filter((line) => line.startsWith('hookflow_action_duration_seconds_count{'))
        .map((line) => [line.slice(line.indexOf('{'), line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
    );

  test('an action out of retries (maximumAttempts 3): attempts 1 and 2 are retrying, attempt 3 is failed', async () => {
    const seen = await attemptsDuring(() => deliverAndFail('down.sync'));
    expect(seen).toEqual([
      { kind: 'handler', outcome: 'retrying', attempt: 1 },
      { kind: 'handler', outcome: 'retrying', attempt: 2 },
      { kind: 'handler', outcome: 'failed', attempt: 3 },
    ]);
    expect(await durationCounts()).toEqual({ '{kind="handler",outcome="retrying"}': 2, '{kind="handler",outcome="failed"}': 1 });
  });

  test('a PermanentError is failed at its only attempt; in a fan-out the last attempt (2 of 2) is failed as well', async () => {
    expect(await attemptsDuring(() => deliverAndFail('poison.sync'))).toEqual([{ kind: 'handler', outcome: 'failed', attempt: 1 }]);
    const fanOut = await attemptsDuring(() => deliverAndFail('fanout.sync'));
    expect(fanOut.filter((a) => a.outcome !== 'succeeded')).toEqual([
      { kind: 'handler', outcome: 'retrying', attempt: 1 },
      { kind: 'handler', outcome: 'failed', attempt: 2 },
    ]);
    expect(fanOut.filter((a) => a.outcome === 'succeeded')).toEqual([{ kind: 'handler', outcome: 'succeeded', attempt: 1 }]);
  });

  test('a thrown Error and a PermanentError read `<action>: <message>` in the document, Temporal, the admin API and the CLI', async () => {
    const cases = [
      { workflowId: await deliverAndFail('down.sync'), action: 'handler:down', text: 'handler:down: downstream is down' },
      { workflowId: await deliverAndFail('poison.sync'), action: 'handler:poison', text: 'handler:poison: cannot process this' },
    ];
    for (const { workflowId, action, text } of cases) {
      const doc = await stack.store.events.findOne({ _id: workflowId });
      expect({ lastError: doc?.lastError, error: doc?.actions[action].error, failedAction: doc?.failedAction }).toEqual({
        lastError: text,
        error: text,
        failedAction: action,
      });

      const shown = await fetch(`${admin.url}/events/${encodeURIComponent(workflowId)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const json = (await shown.json()) as any;
      expect({ lastError: json.event.lastError, error: json.event.actions[action].error, failure: json.temporal.failure }).toEqual({
        lastError: text,
        error: text,
        failure: text,
      });

      const cli = await runCommand(process.execPath, [path.join(ROOT, 'bin', 'hookflow.js'), 'events', 'show', workflowId], {
        cwd: ROOT,
        env: { ...process.env, HOOKFLOW_ADMIN_URL: admin.url, HOOKFLOW_ADMIN_TOKEN: TOKEN },
        timeoutMs: 30_000,
      });
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(`  last error   ${text}\n`);
      expect(cli.stdout).toContain(`  failure      ${text}\n`);
      expect(cli.stdout).toMatch(new RegExp(`${action}\\s+failed\\s+\\d+\\s+${text}\\n`));
    }

    // A fan-out's failed action reads the same way; the workflow's failure names it too.
    const fanOut = await deliverAndFail('fanout.sync');
    const doc = await stack.store.events.findOne({ _id: fanOut });
    expect(doc).toMatchObject({
      lastError: 'handler:down: downstream is down',
      failedAction: 'handler:down',
      actions: { 'handler:down': { status: 'failed', attempts: 2, error: 'handler:down: downstream is down' }, 'handler:ok': { status: 'succeeded' } },
    });
  });
});
