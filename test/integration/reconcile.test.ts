import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import Stripe from 'stripe';
import type { ReconcileReport } from '../../src/reconcile/reconcile-report';
import { startProviderApiServer, type ProviderApiServer, type StripeEvent } from '../harness/provider-api-server';
import { createTestStack, type TestStack } from '../harness/test-stack';

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
  const stripeKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const githubToken = `ghp_${randomBytes(16).toString('hex')}`;
  const whsec = `whsec_${randomBytes(24).toString('base64')}`;
  const handled = new Map<string, number>();

  beforeAll(async () => {
    api = await startProviderApiServer({ stripeKey, githubToken });
    const sources = {
      stripe: { provider: 'stripe', secrets: [whsec], apiKey: stripeKey, apiUrl: api.url },
      stripebad: { provider: 'stripe', secrets: [whsec], apiKey: 'sk_test_wrong', apiUrl: api.url },
      github: { provider: 'github', secrets: ['gh-secret'], apiToken: githubToken, apiUrl: api.url, hook: { owner: 'o', repo: 'r', id: 7 } },
    };
    const routes = [
      { source: 'stripe', events: ['*'], actions: [{ handler: 'count' }] },
      { source: 'github', events: ['*'], actions: [{ handler: 'count' }] },
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
    await stack?.close();
    await api?.close();
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

    const first = await report('github', '--since', '72h');
    expect(first).toMatchObject({ found: 3, alreadyStored: 0, recovered: 3, failed: 0 });
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
});
