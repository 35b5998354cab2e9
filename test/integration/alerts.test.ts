import { randomBytes } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { alertWorkflowId } from '../../src/alerts/alert-rule';
import { ensureAlertSchedules } from '../../src/alerts/ensure-alert-schedules';
import { reportAlert } from '../../src/alerts/report-alert';
import { startSignatureAlertFeed, type SignatureAlertFeed } from '../../src/alerts/signature-alert-feed';
import { PermanentError } from '../../src/handlers/permanent-error';
import { waitUntil } from '../../src/stack/wait-until';
import { alertsAt, slackAt, waitForAlert } from '../harness/alert-inbox';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #13, alerts: each rule opens once, resolves once, and a storm of 100 failures is one
 * open alert. Real receiver, Temporal, MongoDB-protocol server and worker; the notifications go
 * to a local HTTP receiver that verifies the generic webhook with the `standardwebhooks` package.
 */
describe('alerts open once per condition and resolve once', () => {
  const sourceSecret = randomBytes(24).toString('hex');
  const alertSecret = `whsec_${randomBytes(32).toString('base64')}`;
  let inbox: DestinationServer;
  let stack: TestStack;
  let feed: SignatureAlertFeed | undefined;

  beforeAll(async () => {
    inbox = await startDestinationServer(alertSecret);
    const channels = { slack: `${inbox.url}/slack`, webhook: { url: `${inbox.url}/hook`, secrets: [alertSecret] } };
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [sourceSecret] }, shop: { ...DEMO_SOURCE, secrets: [sourceSecret] } },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'boom' }], retry: { maximumAttempts: 1 } }],
      handlers: {
        boom: () => {
          throw new PermanentError('the ledger refused it');
        },
      },
      alerts: {
        repeatEvery: '1h',
        rules: [
          // Long enough that 100 failures on a loaded machine never leave a gap of a whole window.
          { name: 'failures', on: 'event.failed', sources: ['demo'], window: '20s', ...channels },
          { name: 'forgeries', on: 'signatures.failing', sources: ['shop'], threshold: 5, window: '4s', ...channels },
          // Longer than any stall of Temporal answering the reports' signals on a loaded machine.
          { name: 'flood', on: 'signatures.failing', sources: ['demo'], threshold: 1, window: '8s', webhook: channels.webhook },
          { name: 'late', on: 'signatures.failing', sources: ['demo'], threshold: 2, window: '3s', webhook: channels.webhook },
        ],
      },
    });
    feed = startSignatureAlertFeed({ counter: stack.signatureFailures, client: stack.client, taskQueue: stack.config.temporal.taskQueue, rules: stack.config.alerts.rules, logger: pino({ level: 'silent' }), everyMs: 300 });
  });

  afterAll(async () => {
    await feed?.stop();
    await stack?.close();
    await inbox?.close();
  });

  test('a storm of 100 failed events opens one alert, on Slack and the signed webhook, and one resolution once the window is quiet', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { id, body } = demoEvent('order.paid');
      ids.push(`demo:${id}`);
      expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, sourceSecret))).status).toBe(200);
    }
    await waitUntil('the 100 events to be failed', async () => ((await stack.store.events.countDocuments({ _id: { $in: ids }, status: 'failed' })) === 100 ? true : undefined), { timeoutMs: 120_000, intervalMs: 250 });
    const opened = await waitForAlert(inbox, '/hook', 'failures', 'alert.opened');
    expect(opened).toMatchObject({ verified: true, data: { on: 'event.failed', subject: 'demo', phase: 'opened' } });
    expect(opened.data.summary).toMatch(/event\(s\) of source demo failed in the last 20s \(last: demo:evt_.*the ledger refused it\)$/);
    const resolved = await waitForAlert(inbox, '/hook', 'failures', 'alert.resolved', 90_000);
    expect(resolved.verified).toBe(true);
    // Every failure counted once, retried reports included.
    expect(resolved.data.occurrences).toBe(100);
    expect(alertsAt(inbox, '/hook', 'failures').map((a) => a.type)).toEqual(['alert.opened', 'alert.resolved']);
    expect(new Set(alertsAt(inbox, '/hook', 'failures').map((a) => a.webhookId)).size).toBe(2);
    // What the storm cost the condition's one workflow: a signal per failure, batched into few tasks.
    const history = await stack.client.workflow.getHandle(alertWorkflowId(stack.config.temporal.taskQueue, 'failures', 'demo')).fetchHistory();
    const signals = history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    expect(signals).toBe(100);
    process.stdout.write(`alert storm: 100 failures, 1 alert workflow, ${history.events!.length} history events (${signals} signals), ${Date.parse(resolved.data.at) - Date.parse(opened.data.at)} ms open\n`);
    const slack = slackAt(inbox, '/slack', 'failures');
    expect(slack.map((m) => m.text.split('\n')[0])).toEqual([
      ':rotating_light: hookflow alert opened: event.failed (demo)',
      ':white_check_mark: hookflow alert resolved: event.failed (demo)',
    ]);
  });

  test('a spike of 401s on a source opens signatures.failing once and resolves once; a delivery answered 503 is retried under the same webhook-id', async () => {
    // The webhook receiver is down for the first two tries of the first notification.
    inbox.script('/hook', [{ status: 503 }, { status: 500 }]);
    for (let i = 0; i < 12; i++) {
      const { body } = demoEvent('order.paid');
      expect((await stack.post('/webhooks/shop', body, hmacHeaders(body, 'not-the-secret'))).status).toBe(401);
    }
    const opened = await waitForAlert(inbox, '/hook', 'forgeries', 'alert.opened');
    expect(opened).toMatchObject({ verified: true, data: { on: 'signatures.failing', subject: 'shop' } });
    expect(opened.data.summary).toMatch(/^\d+ signature failure\(s\) \(401\) on source shop in the last 4s$/);
    const resolved = await waitForAlert(inbox, '/hook', 'forgeries', 'alert.resolved');
    expect(resolved.data.occurrences).toBe(12);
    const sent = alertsAt(inbox, '/hook', 'forgeries');
    // Three tries of one `opened` (the same notification, the same webhook-id), then the resolution.
    expect(sent.map((a) => a.type)).toEqual(['alert.opened', 'alert.opened', 'alert.opened', 'alert.resolved']);
    expect(new Set(sent.slice(0, 3).map((a) => a.webhookId)).size).toBe(1);
    expect(sent[3]!.webhookId).not.toBe(sent[0]!.webhookId);
    expect(slackAt(inbox, '/slack', 'forgeries')).toHaveLength(2);
  });

  test('a report that reaches its condition a minute after its failures (the worker was down) still opens the alert, and it resolves once its window passes', async () => {
    const rule = stack.config.alerts.rules.find((r) => r.name === 'late')!;
    const target = { client: stack.client, taskQueue: stack.config.temporal.taskQueue, rules: [rule] };
    await reportAlert(target, 'signatures.failing', 'demo', { kind: 'count', at: Date.now() - 60_000, failed: 2 });
    const opened = await waitForAlert(inbox, '/hook', 'late', 'alert.opened');
    expect(opened.data.occurrences).toBe(2);
    const resolved = await waitForAlert(inbox, '/hook', 'late', 'alert.resolved');
    expect(resolved.data.occurrences).toBe(2);
    expect(alertsAt(inbox, '/hook', 'late').map((a) => a.type)).toEqual(['alert.opened', 'alert.resolved']);
  });

  test('an alert condition under 1 100 reports continues as new with its state: still one opened and one resolution, every report counted', async () => {
    const rule = stack.config.alerts.rules.find((r) => r.name === 'flood')!;
    const target = { client: stack.client, taskQueue: stack.config.temporal.taskQueue, rules: [rule] };
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next++ < 1_100) await reportAlert(target, 'signatures.failing', 'demo', { kind: 'count', at: Date.now(), failed: 1 });
      }),
    );
    const resolved = await waitForAlert(inbox, '/hook', 'flood', 'alert.resolved', 120_000);
    expect(resolved.data.occurrences).toBe(1_100);
    expect(alertsAt(inbox, '/hook', 'flood').map((a) => a.type)).toEqual(['alert.opened', 'alert.resolved']);
    // More than one run: the first ended by continuing as new (SIGNALS_PER_RUN is 1 000).
    const workflowId = alertWorkflowId(stack.config.temporal.taskQueue, 'flood', 'demo');
    const runs = await waitUntil('two runs listed', async () => {
      const found: string[] = [];
      for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) found.push(run.status.name);
      return found.length >= 2 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(runs).toContain('CONTINUED_AS_NEW');
  });
});

describe('backlog.high', () => {
  const sourceSecret = randomBytes(24).toString('hex');
  const alertSecret = `whsec_${randomBytes(32).toString('base64')}`;
  let inbox: DestinationServer;
  let stack: TestStack;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));

  beforeAll(async () => {
    inbox = await startDestinationServer(alertSecret);
    stack = await createTestStack({
      sources: { demo: { ...DEMO_SOURCE, secrets: [sourceSecret] } },
      routes: [{ source: 'demo', events: ['*'], actions: [{ handler: 'slow' }] }],
      handlers: { slow: () => gate },
      // One action at a time: the rest wait in the task queue.
      maxConcurrentActions: 1,
      alerts: { rules: [{ name: 'backlog', on: 'backlog.high', threshold: 4, checkEvery: '1s', webhook: { url: `${inbox.url}/hook`, secrets: [alertSecret] } }] },
    });
  });

  afterAll(async () => {
    release();
    await stack?.client.schedule.getHandle(`${stack.config.temporal.taskQueue}/alert-check/backlog`).delete().catch(() => undefined);
    await stack?.close();
    await inbox?.close();
  });

  test('a backlog at the threshold opens one alert, checked on a Schedule, and resolves once it drains', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { id, body } = demoEvent('order.paid');
      ids.push(`demo:${id}`);
      expect((await stack.post('/webhooks/demo', body, hmacHeaders(body, sourceSecret))).status).toBe(200);
    }
    expect(await ensureAlertSchedules(stack.client, stack.config.temporal.taskQueue, stack.config.alerts.rules)).toEqual([`${stack.config.temporal.taskQueue}/alert-check/backlog`]);
    const opened = await waitForAlert(inbox, '/hook', 'backlog', 'alert.opened');
    expect(opened).toMatchObject({ verified: true, data: { on: 'backlog.high', subject: stack.config.temporal.taskQueue } });
    expect(opened.data.summary).toMatch(/has \d+ task\(s\) waiting for a worker \(threshold 4\)$/);
    release();
    await waitUntil('every event to succeed', async () => ((await stack.store.events.countDocuments({ _id: { $in: ids }, status: 'succeeded' })) === 8 ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });
    const resolved = await waitForAlert(inbox, '/hook', 'backlog', 'alert.resolved');
    expect(resolved.data.summary).toBe(`the backlog of task queue ${stack.config.temporal.taskQueue} is below 4 again (last: 0 workflow and 0 activity task(s) waiting)`);
    expect(alertsAt(inbox, '/hook', 'backlog').map((a) => a.type)).toEqual(['alert.opened', 'alert.resolved']);

    // The rule taken out of the config: the next worker start deletes its schedule.
    expect(await ensureAlertSchedules(stack.client, stack.config.temporal.taskQueue, [])).toEqual([]);
    await expect(stack.client.schedule.getHandle(`${stack.config.temporal.taskQueue}/alert-check/backlog`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});
