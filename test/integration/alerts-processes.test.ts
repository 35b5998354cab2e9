import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alertsAt, waitForAlert } from '../harness/alert-inbox';
import { startDestinationServer, type DestinationServer } from '../harness/destination-server';
import { keepLogs, startHookflowProcess, writeProcessConfig, type HookflowProcess } from '../harness/hookflow-process';
import { DEMO_SOURCE, demoEvent, hmacHeaders } from '../harness/sign';
import { testEnv } from '../harness/test-env';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #13: the alert feeds as an operator runs them, in `hookflow worker` and `hookflow
 * receiver` processes: the worker reports a failed event and creates the backlog check's
 * Schedule; the receiver reports its 401s, the last ones on SIGTERM.
 */
describe('alerts from hookflow worker and receiver processes', () => {
  const sourceSecret = randomBytes(24).toString('hex');
  const destinationSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const alertSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const source = { ...DEMO_SOURCE, secrets: [sourceSecret] };
  let destination: DestinationServer;
  let inbox: DestinationServer;
  let stack: TestStack;
  let worker: HookflowProcess;
  let receiver: HookflowProcess;
  let receiverUrl = '';

  beforeAll(async () => {
    destination = await startDestinationServer(destinationSecret);
    inbox = await startDestinationServer(alertSecret);
    const webhook = { url: `${inbox.url}/hook`, secrets: [alertSecret] };
    const config = {
      sources: { demo: source },
      destinations: { crm: { url: `${destination.url}/crm`, secrets: [destinationSecret], timeoutMs: 5_000 } },
      routes: [{ source: 'demo', events: ['*'], actions: [{ forward: 'crm' }], retry: { maximumAttempts: 1 } }],
      alerts: {
        rules: [
          { name: 'failures', on: 'event.failed', window: '3s', webhook },
          { name: 'forgeries', on: 'signatures.failing', threshold: 3, window: '20s', webhook },
          { name: 'backlog', on: 'backlog.high', threshold: 100_000, checkEvery: '1m', webhook },
        ],
      },
    };
    stack = await createTestStack({ ...config, worker: false });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-alerts-'));
    const configPath = writeProcessConfig(dir, stack.config, { ...config, handlers: path.resolve(__dirname, '../fixtures/counting-handlers.ts'), server: { host: '127.0.0.1', port: 0 } });
    const env = { MONGODB_URI: testEnv('mongoUri'), MONGODB_DATABASE: stack.config.mongodb.database, HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath') };
    worker = keepLogs(dir, startHookflowProcess('worker', configPath, env));
    receiver = keepLogs(dir, startHookflowProcess('receiver', configPath, env));
    await worker.waitForLog('worker polling');
    receiverUrl = ((await receiver.waitForLog('receiver listening')) as { url: string }).url;
  });

  afterAll(async () => {
    for (const p of [worker, receiver]) if (p && p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all([worker?.exited, receiver?.exited]);
    await stack?.client.schedule.getHandle(`${stack.config.temporal.taskQueue}/alert-check/backlog`).delete().catch(() => undefined);
    await stack?.close();
    await destination?.close();
    await inbox?.close();
  });

  test('the worker process reports a failed forward as event.failed, and schedules the backlog check', async () => {
    const checks = await worker.waitForLog('alert checks in force');
    expect(checks.schedules).toEqual([`${stack.config.temporal.taskQueue}/alert-check/backlog`]);
    destination.script('/crm', [{ status: 500, body: 'boom' }]);
    const { id, body } = demoEvent('order.paid');
    expect((await fetch(`${receiverUrl}/webhooks/demo`, { method: 'POST', body, headers: hmacHeaders(body, sourceSecret) })).status).toBe(200);
    await stack.waitForStatus(`demo:${id}`, 'failed');
    const opened = await waitForAlert(inbox, '/hook', 'failures', 'alert.opened');
    expect(opened).toMatchObject({ verified: true, data: { subject: 'demo' } });
    expect(opened.data.summary).toContain(`(last: demo:${id}: forward:crm: HTTP 500 Internal Server Error: boom)`);
    await waitForAlert(inbox, '/hook', 'failures', 'alert.resolved');
  });

  test('the receiver process reports its 401s, the last ones when it stops', async () => {
    for (let i = 0; i < 4; i++) {
      const { body } = demoEvent('order.paid');
      expect((await fetch(`${receiverUrl}/webhooks/demo`, { method: 'POST', body, headers: hmacHeaders(body, 'wrong') })).status).toBe(401);
    }
    receiver.child.kill('SIGTERM');
    expect(await receiver.exited).toBe(0);
    const opened = await waitForAlert(inbox, '/hook', 'forgeries', 'alert.opened');
    expect(opened.data.summary).toBe('4 signature failure(s) (401) on source demo in the last 20s');
    expect(alertsAt(inbox, '/hook', 'forgeries')).toHaveLength(1);
  });
});
