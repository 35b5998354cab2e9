import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { RetryState } from '@temporalio/common';
import pino from 'pino';
import { Registry } from 'prom-client';
import Stripe from 'stripe';
import { createReconciledCounter } from '../../src/metrics/reconciled-events-counter';
import type { ReconcileReport } from '../../src/reconcile/reconcile-report';
import { reconcileSource } from '../../src/reconcile/reconcile-source';
import { waitUntil } from '../../src/stack/wait-until';
import { createBodyStore } from '../../src/store/body-store';
import { ensureSchedules, purgeScheduleId, reconcileScheduleId } from '../../src/temporal/ensure-schedules';
import { keepLogs, startHookflowProcess, writeProcessConfig } from '../harness/hookflow-process';
import { startProviderApiServer, type GithubDelivery, type ProviderApiServer, type StripeEvent } from '../harness/provider-api-server';
import { createTestStack, type TestStack } from '../harness/test-stack';
import { testEnv } from '../harness/test-env';

const BIN = path.resolve(__dirname, '../../bin/hookflow.js');

/**
 * Issue #11: `hookflow reconcile` against a stand-in for Stripe's and GitHub's APIs, driven by
 * the official SDKs (stripe's host/port/protocol, Octokit's baseUrl) from a real CLI process.
 * The events it starts run on this suite's worker, through the same pipeline as deliveries.
 */
describe('hookflow reconcile', () => {
  let stack: TestStack;
  let api: ProviderApiServer;
  let configPath: string;
  let sources: Record<string, unknown>;
  const stripeKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const githubToken = `ghp_${randomBytes(16).toString('hex')}`;
  const whsec = `whsec_${randomBytes(24).toString('base64')}`;
  const appHookSecret = randomBytes(20).toString('hex');
  const handled = new Map<string, number>();
  // A GitHub App's key as GitHub hands it out (PKCS#1 PEM), and another App's, which GitHub refuses.
  const appId = 100_000 + Math.floor(Math.random() * 900_000);
  const appKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  // The worker's scheduled reconciliations count here, as `hookflow worker` counts on its /metrics.
  const workerRegistry = new Registry();
  const countReconciled = createReconciledCounter(workerRegistry);
  const workerLogs: Record<string, unknown>[] = [];
  const workerLogger = pino({ level: 'info' }, { write: (line: string) => void workerLogs.push(JSON.parse(line) as Record<string, unknown>) });

  beforeAll(async () => {
    api = await startProviderApiServer({ stripeKey, githubToken, app: { id: appId, publicKey: createPublicKey(appKey.publicKey) } });
    // As an environment variable often carries a PEM: on one line, with `\n` escapes.
    process.env.TEST_GITHUB_APP_KEY = appKey.privateKey.replace(/\n/g, '\\n');
    sources = {
      stripe: { provider: 'stripe', secrets: [whsec], apiKey: stripeKey, apiUrl: api.url, reconcile: { every: '1h', lookback: '72h' } },
      stripebad: { provider: 'stripe', secrets: [whsec], apiKey: 'sk_test_wrong', apiUrl: api.url },
      github: { provider: 'github', secrets: ['gh-secret'], apiToken: githubToken, apiUrl: api.url, hook: { owner: 'o', repo: 'r', id: 7 } },
      githubbad: { provider: 'github', secrets: ['gh-secret'], apiToken: 'ghp_wrong', apiUrl: api.url, hook: { owner: 'o', repo: 'r', id: 7 } },
      githubapp: {
        provider: 'github',
        secrets: [appHookSecret],
        apiUrl: api.url,
        hook: { appId, privateKey: 'env:TEST_GITHUB_APP_KEY' },
        reconcile: { mode: 'redeliver' },
      },
      githubappbad: { provider: 'github', secrets: [appHookSecret], apiUrl: api.url, hook: { appId, privateKey: otherKey.privateKey } },
    };
    const routes = [
      { source: 'stripe', events: ['*'], actions: [{ handler: 'count' }] },
      { source: 'github', events: ['*'], actions: [{ handler: 'count' }] },
      { source: 'githubapp', events: ['*'], actions: [{ handler: 'count' }] },
    ];
    stack = await createTestStack({
      sources,
      routes,
      handlers: {
        count: (event) => {
          handled.set(event.workflowId, (handled.get(event.workflowId) ?? 0) + 1);
          return { ok: true };
        },
      },
      // What `hookflow worker` passes its worker (src/cli/run-worker.ts), on this suite's stack.
      reconcile: ({ source, lookbackMs }, signal) =>
        reconcileSource(
          {
            config: stack.config,
            temporal: stack.client,
            events: stack.store.events,
            bodies: createBodyStore(stack.store.bodies),
            logger: workerLogger,
            count: countReconciled,
          },
          source,
          { since: new Date(Date.now() - lookbackMs), signal },
        ),
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-reconcile-'));
    configPath = path.join(dir, 'hookflow.config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        temporal: { address: stack.config.temporal.address, taskQueue: stack.config.temporal.taskQueue },
        mongodb: stack.config.mongodb,
        handlers: path.resolve(__dirname, '../../handlers'),
        sources,
        routes,
      }),
    );
  });

  afterAll(async () => {
    if (stack) {
      const { taskQueue } = stack.config.temporal;
      for (const id of [purgeScheduleId(taskQueue), reconcileScheduleId(taskQueue, 'stripe')]) {
        await stack.client.schedule
          .getHandle(id)
          .delete()
          .catch(() => undefined);
      }
    }
    await stack?.close();
    await api?.close();
    delete process.env.TEST_GITHUB_APP_KEY;
  });

  function reconcile(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'reconcile', ...args],
        { env: { ...process.env, HOOKFLOW_CONFIG: configPath, HOOKFLOW_LOG_LEVEL: 'warn' }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  async function report(...args: string[]): Promise<ReconcileReport> {
    const run = await reconcile(...args, '--json');
    if (run.code !== 0) throw new Error(`hookflow reconcile exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as ReconcileReport;
  }

  function stripeEvent(createdSecondsAgo: number): StripeEvent {
    const id = `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    return {
      id,
      object: 'event',
      api_version: '2024-06-20',
      created: Math.floor(Date.now() / 1000) - createdSecondsAgo,
      data: { object: { id: `pi_${randomUUID().slice(0, 8)}`, object: 'payment_intent', amount: 4200, currency: 'eur' } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.succeeded',
    };
  }

  const stripe = new Stripe('sk_test_unused');
  async function deliverStripe(event: StripeEvent) {
    const payload = JSON.stringify(event);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: whsec });
    return stack.post('/webhooks/stripe', payload, { 'content-type': 'application/json', 'stripe-signature': header });
  }

  const notInTemporal = async (workflowId: string) => {
    await expect(stack.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  };

  test('stripe: a dry run starts nothing; a run recovers exactly the missing events once; a second run recovers nothing; a late delivery is a duplicate', async () => {
    const delivered = [stripeEvent(3_000), stripeEvent(2_000)];
    const missing = [stripeEvent(2_500), stripeEvent(1_500), stripeEvent(600)];
    const tooOld = stripeEvent(80 * 3_600);
    api.stripeEvents.push(...delivered, ...missing, tooOld);
    for (const event of delivered) {
      expect((await deliverStripe(event)).json.status).toBe('accepted');
      await stack.waitForStatus(`stripe:${event.id}`, 'succeeded');
    }
    const missingIds = missing.map((e) => `stripe:${e.id}`).sort();

    const dry = await report('stripe', '--since', '72h', '--dry-run');
    expect(dry).toMatchObject({ source: 'stripe', dryRun: true, found: 5, alreadyStored: 2, recovered: 3, failed: 0 });
    expect([...dry.recoveredIds].sort()).toEqual(missingIds);
    for (const id of missingIds) await notInTemporal(id);

    // The API rate-limits the first call: the run waits out Retry-After and carries on.
    api.rateLimitNext(1);
    const first = await report('stripe', '--since', '72h');
    expect(first).toMatchObject({ dryRun: false, found: 5, alreadyStored: 2, recovered: 3, failed: 0 });
    expect([...first.recoveredIds].sort()).toEqual(missingIds);
    expect(api.requests.filter((r) => r.startsWith('GET /v1/events')).length).toBeGreaterThanOrEqual(4);
    for (const event of missing) {
      const doc = await stack.waitForStatus(`stripe:${event.id}`, 'succeeded');
      expect(doc).toMatchObject({ recoveredBy: 'reconcile', eventId: event.id, type: 'payment_intent.succeeded', payload: event });
      expect(doc.occurredAt).toEqual(new Date(event.created * 1000));
    }

    const second = await report('stripe', '--since', '72h');
    expect(second).toMatchObject({ found: 5, alreadyStored: 5, recovered: 0, failed: 0 });

    // The provider's own delivery of a recovered event, arriving late, is a duplicate.
    const late = await deliverStripe(missing[0]!);
    expect(late.json).toEqual({ status: 'duplicate', workflowId: `stripe:${missing[0]!.id}` });

    for (const event of [...delivered, ...missing]) expect(handled.get(`stripe:${event.id}`)).toBe(1);
    expect(await stack.store.events.findOne({ _id: `stripe:${tooOld.id}` })).toBeNull();
  });

  test('stripe: a key the API refuses is a clear error naming the source', async () => {
    const run = await reconcile('stripebad');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('sources.stripebad: the stripe API refused apiKey (401)');
  });

  /** Each run the Schedule started, with its report once it finished. */
  async function scheduledRuns(scheduleId: string, atLeast: number): Promise<ReconcileReport[]> {
    return waitUntil(
      `${atLeast} finished runs of ${scheduleId}`,
      async () => {
        const { info } = await stack.client.schedule.getHandle(scheduleId).describe();
        if (info.recentActions.length < atLeast) return undefined;
        const reports: ReconcileReport[] = [];
        for (const { action } of info.recentActions) {
          const handle = stack.client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId);
          if ((await handle.describe()).status.name === 'RUNNING') return undefined;
          reports.push((await handle.result()) as ReconcileReport);
        }
        return reports;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  const reconciledMetric = async (outcome: string) =>
    (await workerRegistry.getSingleMetric('hookflow_reconciled_events_total')?.get())?.values.find(
      (v) => v.labels.source === 'stripe' && v.labels.outcome === outcome,
    )?.value ?? 0;

  test('stripe: reconcile.every is a Temporal Schedule at that interval; a triggered run on the worker recovers a missing event exactly once, a second run nothing', async () => {
    const { taskQueue } = stack.config.temporal;
    const scheduleId = reconcileScheduleId(taskQueue, 'stripe');
    expect(await ensureSchedules(stack.client, stack.config)).toEqual([purgeScheduleId(taskQueue), scheduleId]);
    const schedule = await stack.client.schedule.getHandle(scheduleId).describe();
    expect(schedule.spec.intervals?.map((interval) => interval.every)).toEqual([3_600_000]);
    expect(schedule.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'reconcileEvents',
      taskQueue,
      args: [{ source: 'stripe', lookbackMs: 72 * 3_600_000 }],
    });
    // Listed in Temporal (the UI's Schedules page reads the same list).
    const listed: string[] = [];
    for await (const summary of stack.client.schedule.list()) listed.push(summary.scheduleId);
    expect(listed).toContain(scheduleId);

    const missing = stripeEvent(900);
    api.stripeEvents.push(missing);
    const workflowId = `stripe:${missing.id}`;
    await stack.client.schedule.getHandle(scheduleId).trigger();
    const doc = await stack.waitForStatus(workflowId, 'succeeded');
    expect(doc).toMatchObject({ recoveredBy: 'reconcile', eventId: missing.id, secretIndex: -1 });
    const first = await scheduledRuns(scheduleId, 1);
    // Had the hourly interval also come due during the test, its run would be listed here too:
    // summed over all runs, the event was recovered exactly once and nothing failed.
    expect(first.reduce((n, r) => n + r.recovered, 0)).toBe(1);
    expect(first.flatMap((r) => r.recoveredIds)).toEqual([workflowId]);
    expect(first.every((r) => r.failed === 0 && r.found === r.alreadyStored + r.recovered)).toBe(true);
    expect(await reconciledMetric('recovered')).toBe(1);
    const storedBefore = await reconciledMetric('already_stored');
    // One log line per run, with the counts.
    const recovering = first.find((r) => r.recovered === 1)!;
    expect(workerLogs.filter((l) => l.msg === 'reconciled' && l.source === 'stripe' && l.recovered === 1)).toEqual([
      expect.objectContaining({ dryRun: false, failed: 0, found: recovering.found, alreadyStored: recovering.alreadyStored }),
    ]);

    // SKIP overlap: the second trigger is sent once the first run finished.
    await stack.client.schedule.getHandle(scheduleId).trigger();
    const all = await scheduledRuns(scheduleId, first.length + 1);
    const last = all[all.length - 1]!;
    expect(last).toMatchObject({ source: 'stripe', dryRun: false, recovered: 0, failed: 0 });
    expect(last.alreadyStored).toBe(last.found);
    expect(all.reduce((n, r) => n + r.recovered, 0)).toBe(1);
    expect(await reconciledMetric('recovered')).toBe(1);
    expect((await reconciledMetric('already_stored')) - storedBefore).toBeGreaterThanOrEqual(last.found);
    expect(handled.get(workflowId)).toBe(1);
  });

  test("stripe: a scheduled run on the worker with a key the API refuses fails at once (no activity retry), naming the source", async () => {
    const handle = await stack.client.workflow.start('reconcileEvents', {
      workflowId: `reconcile-stripebad-${randomUUID()}`,
      taskQueue: stack.config.temporal.taskQueue,
      args: [{ source: 'stripebad', lookbackMs: 3_600_000 }],
    });
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error as Error & { cause?: Error & { cause?: Error & { nonRetryable?: boolean; type?: string } } },
    );
    const cause = failure?.cause?.cause;
    expect(cause?.message).toContain('sources.stripebad: the stripe API refused apiKey (401)');
    expect(cause).toMatchObject({ type: 'ReconcileError', nonRetryable: true });
    expect(failure?.cause).toMatchObject({ retryState: RetryState.NON_RETRYABLE_FAILURE });
  });

  test('stripe: a listed event whose ID the receiver would refuse (lone surrogate, NUL, over 400 bytes) is reported failed with the reason, dry run or not, and nothing starts', async () => {
    const bad = [
      ['evt_\ud800bad', 'event ID is not valid Unicode (it contains a lone UTF-16 surrogate), so it cannot name a workflow'],
      ['evt_\u0000bad', 'event ID contains a NUL character (U+0000)'],
      [`evt_${'b'.repeat(400)}`, 'event ID is 404 bytes long in UTF-8; the limit is 400 bytes'],
    ] as const;
    const events = bad.map(([id]) => ({ ...stripeEvent(300), id }));
    api.stripeEvents.push(...events);
    const handledBefore = [...handled.values()].reduce((a, b) => a + b, 0);
    try {
      for (const args of [['--dry-run'], []]) {
        const run = await reconcile('stripe', '--since', '72h', '--json', ...args);
        expect(run.code).toBe(1); // some events failed
        const result = JSON.parse(run.stdout) as ReconcileReport;
        expect(result).toMatchObject({ failed: 3, recovered: 0 });
        expect(result.failures).toEqual(bad.map(([eventId, error]) => ({ eventId, error })));
      }
      // Nothing was started under the IDs Temporal can take, and no handler ran.
      await notInTemporal(`stripe:${bad[1][0]}`);
      await notInTemporal(`stripe:${bad[2][0]}`);
      expect([...handled.values()].reduce((a, b) => a + b, 0)).toBe(handledBefore);
    } finally {
      api.stripeEvents.splice(api.stripeEvents.length - events.length, events.length);
    }
  });

  test('github: missing deliveries (a redelivery counted once) are fed from the API exactly once; a second run recovers nothing', async () => {
    const now = Date.now();
    const guids = [randomUUID(), randomUUID(), randomUUID()];
    let id = 1000;
    const delivery = (guid: string, minutesAgo: number, status_code: number, redelivery = false) => ({
      id: id++,
      guid,
      delivered_at: new Date(now - minutesAgo * 60_000).toISOString(),
      redelivery,
      status_code,
      status: status_code === 200 ? 'OK' : 'Service Unavailable',
      event: 'push',
      action: null,
      payload: { ref: 'refs/heads/main', after: randomBytes(20).toString('hex'), repository: { full_name: 'o/r' } },
    });
    api.githubDeliveries.push(
      delivery(guids[0]!, 30, 503),
      delivery(guids[0]!, 20, 503, true),
      delivery(guids[1]!, 15, 503),
      delivery(guids[2]!, 5, 502),
      delivery(randomUUID(), 5 * 24 * 60, 503), // older than --since
    );

    // The API rate-limits the first list call (GitHub's secondary limit: 429, Retry-After).
    api.rateLimitNext(1, 'github');
    const first = await report('github', '--since', '72h');
    expect(first).toMatchObject({ found: 3, alreadyStored: 0, recovered: 3, failed: 0 });
    expect(api.requests.filter((r) => r.startsWith('GET /repos/o/r/hooks/7/deliveries?')).length).toBeGreaterThanOrEqual(4);
    for (const guid of guids) {
      const doc = await stack.waitForStatus(`github:${guid}`, 'succeeded');
      expect(doc).toMatchObject({ recoveredBy: 'reconcile', type: 'push', eventId: guid });
      expect(doc.headers).not.toHaveProperty('x-hub-signature-256');
    }
    const second = await report('github', '--since', '72h');
    expect(second).toMatchObject({ found: 3, alreadyStored: 3, recovered: 0 });
    for (const guid of guids) expect(handled.get(`github:${guid}`)).toBe(1);
    // Only the missing deliveries' details were fetched, once each; nothing was redelivered.
    expect(api.requests.filter((r) => /deliveries\/\d+$/.test(r.split('?')[0]!))).toHaveLength(3);
    expect(api.requests.some((r) => r.includes('/attempts'))).toBe(false);
  });

  test('github: a token the API refuses is a clear error naming the source', async () => {
    const run = await reconcile('githubbad');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('sources.githubbad: the github API refused apiToken (401)');
    expect(run.stderr).not.toContain('ghp_wrong');
  });

  /** What GitHub does on a redelivery: the same request, signed with the hook's secret by @octokit/webhooks-methods, to the hook's URL. */
  async function deliverToReceiver(delivery: GithubDelivery): Promise<number> {
    const body = JSON.stringify(delivery.payload);
    const signature = await octokitSign(appHookSecret, body);
    const answer = await stack.post('/webhooks/githubapp', body, {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/abc1234',
      'x-github-delivery': delivery.guid,
      'x-github-event': delivery.event,
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': signature,
    });
    return answer.status;
  }

  test("github App hook, mode redeliver: authenticated as the App (a JWT from its key), each failed delivery is redelivered once (POST .../attempts), an acknowledged one is not, and a second run redelivers nothing", async () => {
    api.redeliver = deliverToReceiver;
    const now = Date.now();
    let id = 5000;
    const attempt = (guid: string, minutesAgo: number, status_code: number, redelivery = false): GithubDelivery => ({
      id: id++,
      guid,
      delivered_at: new Date(now - minutesAgo * 60_000).toISOString(),
      redelivery,
      status_code,
      status: status_code < 300 ? 'OK' : 'Service Unavailable',
      event: 'installation',
      action: 'created',
      payload: { action: 'created', installation: { id: Math.floor(Math.random() * 1e6) }, sender: { login: 'octocat' } },
    });
    const [failedTwice, failedOnce, acknowledged] = [randomUUID(), randomUUID(), randomUUID()];
    const deliveries = [
      attempt(failedTwice, 40, 503),
      attempt(failedTwice, 30, 502, true),
      attempt(failedOnce, 10, 504),
      attempt(acknowledged, 8, 200),
      attempt(randomUUID(), 4 * 24 * 60, 503), // older than --since
    ];
    api.appDeliveries.push(...deliveries);
    const newestAttempt = { [failedTwice]: deliveries[1]!.id, [failedOnce]: deliveries[2]!.id };

    const dry = await report('githubapp', '--since', '72h', '--dry-run');
    expect(dry).toMatchObject({ found: 3, alreadyStored: 1, recovered: 2, failed: 0 });
    expect(api.requests.some((r) => r.includes('/attempts'))).toBe(false);

    const first = await report('githubapp', '--since', '72h');
    expect(first).toMatchObject({ found: 3, alreadyStored: 1, recovered: 2, failed: 0 });
    expect([...first.recoveredIds].sort()).toEqual([`githubapp:${failedTwice}`, `githubapp:${failedOnce}`].sort());
    // Each failed GUID's newest attempt, once; the acknowledged one is left alone.
    const asked = api.requests.filter((r) => r.startsWith('POST /app/hook/deliveries/'));
    expect(asked.sort()).toEqual(Object.values(newestAttempt).map((n) => `POST /app/hook/deliveries/${n}/attempts`).sort());
    for (const guid of [failedTwice, failedOnce]) {
      // Redelivered by "GitHub", signed: a real delivery, verified by the hook's secret.
      const doc = await stack.waitForStatus(`githubapp:${guid}`, 'succeeded');
      expect(doc).toMatchObject({ eventId: guid, type: 'installation', secretIndex: 0 });
      expect(doc).not.toHaveProperty('recoveredBy');
    }
    // The stand-in logs each redelivery as a new attempt once the receiver answered it.
    await waitUntil('GitHub to log both redeliveries', async () => (api.appDeliveries.length === deliveries.length + 2 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    expect(api.appDeliveries.slice(deliveries.length).map((d) => [d.guid, d.status_code, d.redelivery]).sort()).toEqual(
      [[failedTwice, 200, true], [failedOnce, 200, true]].sort(),
    );

    const second = await report('githubapp', '--since', '72h');
    expect(second).toMatchObject({ found: 3, alreadyStored: 3, recovered: 0, failed: 0 });
    expect(api.requests.filter((r) => r.startsWith('POST /app/hook/deliveries/'))).toHaveLength(2);
    expect(handled.get(`githubapp:${failedTwice}`)).toBe(1);
    expect(handled.get(`githubapp:${failedOnce}`)).toBe(1);
    expect(handled.has(`githubapp:${acknowledged}`)).toBe(false);
    // Every call to the App's hook carried a JWT the stand-in verified (others are answered 401).
    expect(api.requests.filter((r) => r.startsWith('GET /app/hook/deliveries')).length).toBeGreaterThanOrEqual(4);
  });

  test("github App hook: a JWT signed with another key is refused, a clear error naming the source", async () => {
    const run = await reconcile('githubappbad');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("sources.githubappbad: the github API refused the App's JWT (hook.appId, hook.privateKey) (401)");
    expect(run.stderr).not.toContain('PRIVATE KEY');
  });

  test('hookflow worker, a real process, creates the Schedule at start and runs a triggered reconciliation: the missing event recovered once, counted on its /metrics', async () => {
    // The suite's in-process worker stops, so the process is the only one polling the queue.
    await stack.stopWorker();
    const { taskQueue } = stack.config.temporal;
    const scheduleId = reconcileScheduleId(taskQueue, 'stripe');
    const before = (await stack.client.schedule.getHandle(scheduleId).describe()).info.recentActions.length;
    const dir = path.dirname(configPath);
    const workerConfig = writeProcessConfig(dir, stack.config, {
      handlers: path.resolve(__dirname, '../../handlers'),
      sources,
      routes: [{ source: 'stripe', events: ['*'], actions: [{ handler: 'log' }] }],
    });
    const worker = keepLogs(dir, startHookflowProcess('worker', workerConfig, { HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath') }));
    try {
      const { url } = (await worker.waitForLog('worker health and metrics listening')) as { url: string };
      expect((await worker.waitForLog('schedules in force')).schedules).toEqual([purgeScheduleId(taskQueue), scheduleId]);
      await worker.waitForLog('worker polling');

      const missing = stripeEvent(120);
      api.stripeEvents.push(missing);
      const workflowId = `stripe:${missing.id}`;
      await stack.client.schedule.getHandle(scheduleId).trigger();
      expect(await stack.waitForStatus(workflowId, 'succeeded')).toMatchObject({ recoveredBy: 'reconcile' });
      const runs = (await scheduledRuns(scheduleId, before + 1)).slice(before);
      expect(runs.reduce((n, r) => n + r.recovered, 0)).toBe(1);
      expect(runs.flatMap((r) => r.recoveredIds)).toEqual([workflowId]);
      expect(worker.logs.filter((l) => l.msg === 'handled event' && l.workflowId === workflowId)).toHaveLength(1);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^hookflow_reconciled_events_total\{source="stripe",outcome="recovered"\} 1$/m);
      expect(metrics).toMatch(/^hookflow_reconciled_events_total\{source="stripe",outcome="failed"\} 0$/m);
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  }, 120_000);
});

/** @octokit/webhooks-methods is ESM-only (no `require` condition for jest): signed in a Node process of its own. */
function octokitSign(secret: string, payload: string): Promise<string> {
  const script = `import { sign } from '@octokit/webhooks-methods'; process.stdout.write(await sign(process.argv[1], process.argv[2]));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script, secret, payload], { cwd: path.resolve(__dirname, '../..') }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}
