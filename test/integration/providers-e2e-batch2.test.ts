import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendEvent } from '../../src/cli/send-event';
import { createTestStack, type TestStack } from '../harness/test-stack';

/**
 * Issue #12's second batch end to end: one accepted event per provider, over real HTTP into the
 * real stack, signed as the provider signs (our signers are checked against each provider's own
 * library and published vectors in test/unit/providers/presets-second-batch.test.ts) with random
 * secrets, the right one listed second (rotation). Each expectation reads the ID and type
 * straight from the provider's spec, not from our selectors.
 */
const random = (n = 24) => randomBytes(n).toString('base64url');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

type Expect = (headers: Record<string, string>, body: Buffer) => { id: string; type: string };

interface Case {
  readonly secret: string;
  readonly expected: Expect;
  readonly config?: Record<string, unknown>;
}

/** The providers this file covers; providers-e2e.test.ts covers the rest of the registry. */
const cases: Record<string, Case> = {
  bitbucket: { secret: random(), expected: (h) => ({ id: h['x-request-uuid'], type: h['x-event-key'] }) },
  atlassian: { secret: random(), expected: (h, b) => ({ id: h['x-atlassian-webhook-identifier'], type: json(b).webhookEvent }) },
  intercom: { secret: random(), expected: (_h, b) => ({ id: json(b).id, type: json(b).topic }) },
  zendesk: { secret: random(), expected: (_h, b) => ({ id: json(b).id, type: json(b).type }) },
  razorpay: { secret: random(), expected: (h, b) => ({ id: h['x-razorpay-event-id'], type: json(b).event }) },
  calendly: { secret: random(), expected: (_h, b) => ({ id: `${json(b).event}:${json(b).payload.uri}`, type: json(b).event }) },
  typeform: { secret: random(), expected: (_h, b) => ({ id: json(b).event_id, type: json(b).event_type }) },
  vercel: { secret: random(), expected: (_h, b) => ({ id: json(b).id, type: json(b).type }) },
  sentry: { secret: random(), expected: (h, b) => ({ id: h['request-id'], type: `${h['sentry-hook-resource']}.${json(b).action}` }) },
  lemonsqueezy: {
    secret: random(),
    expected: (_h, b) => {
      const { meta, data } = json(b);
      return { id: `${meta.event_name}:${data.type}:${data.id}:${data.attributes.updated_at}`, type: meta.event_name };
    },
  },
  docusign: {
    secret: randomBytes(32).toString('base64'),
    expected: (_h, b) => ({ id: `${json(b).data.envelopeId}:${json(b).event}:${json(b).generatedDateTime}`, type: json(b).event }),
  },
  box: { secret: random(), expected: (_h, b) => ({ id: json(b).id, type: json(b).trigger }) },
  mux: { secret: random(), expected: (_h, b) => ({ id: json(b).id, type: json(b).type }) },
  pagerduty: { secret: random(), expected: (_h, b) => ({ id: json(b).event.id, type: json(b).event.event_type }) },
  contentful: { secret: random(48), expected: (h) => ({ id: h['x-contentful-idempotency-key'], type: h['x-contentful-topic'] }) },
  sanity: { secret: random(), expected: (h, b) => ({ id: h['idempotency-key'], type: `${json(b)._type}.${h['sanity-operation']}` }) },
  netlify: { secret: random(), expected: (_h, b) => ({ id: `${json(b).id}:${json(b).state}`, type: json(b).state }) },
  segment: { secret: random(), expected: (_h, b) => ({ id: json(b).messageId, type: json(b).type }) },
  persona: { secret: random(), expected: (_h, b) => ({ id: json(b).data.id, type: json(b).data.attributes.name }) },
  cloudflare: { secret: random(), expected: (_h, b) => ({ id: sha256(b), type: json(b).alert_type }) },
  'coinbase-commerce': { secret: random(), expected: (_h, b) => ({ id: json(b).event.id, type: json(b).event.type }) },
};

describe('issue #12 second batch end to end', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({
      sources: Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, { provider: name, secrets: [random(), c.secret], ...c.config }])),
      routes: Object.keys(cases).map((source) => ({ source, actions: [{ handler: 'noop' }] })),
      handlers: { noop: () => 'ok' },
    });
  });

  afterAll(() => stack?.close());

  /** Sign `body` as the source's provider would and post it. */
  async function post(name: string, body: Buffer, headers: Record<string, string> = {}) {
    const source = stack.config.sources.get(name)!;
    const signed = source.provider.sign(
      { body, contentType: 'application/json', url: `${stack.receiver.url}/webhooks/${name}`, secret: cases[name].secret, now: new Date() },
      source.settings.options,
    );
    return stack.post(`/webhooks/${name}`, signed.body, { 'content-type': signed.contentType, ...signed.headers, ...headers });
  }

  const handshakeCount = async (source: string) =>
    (await stack.receiverMetrics.registry.getSingleMetricAsString('hookflow_webhooks_received_total'))
      .split('\n')
      .filter((line) => line.includes(`source="${source}"`) && line.includes('outcome="handshake"'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

  test.each(Object.keys(cases))('%s: a signed event is accepted and reaches succeeded with the spec\'s ID and type', async (name) => {
    const c = cases[name];
    const source = stack.config.sources.get(name)!;
    const now = new Date();
    const sample = source.provider.sample(undefined, now);
    const signed = source.provider.sign(
      { body: sample.body, contentType: sample.contentType, url: `${stack.receiver.url}/webhooks/${name}`, secret: c.secret, now },
      source.settings.options,
    );
    const target = new URL(signed.url);
    // The headers exactly as sign() makes them, as `hookflow send` posts them (content-type included).
    const response = await stack.post(`${target.pathname}${target.search}`, signed.body, signed.headers);
    const lowered = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const { id, type } = c.expected(lowered, signed.body);
    expect([response.status, response.json]).toEqual([200, { status: 'accepted', workflowId: `${name}:${id}` }]);
    const doc = await stack.waitForStatus(`${name}:${id}`, 'succeeded');
    expect(doc).toMatchObject({ provider: name, eventId: id, type, secretIndex: 1 });
    expect(Buffer.from(doc.rawBody!.buffer).equals(signed.body)).toBe(true);
    for (const header of source.provider.secretHeaders(source.settings.options)) {
      expect(doc.headers).not.toHaveProperty(header);
    }
  });

  test.each(Object.keys(cases))('%s: hookflow send signs its sample and the receiver accepts it', async (name) => {
    // The CLI reads its own config file: the same source, its signing secret first.
    const dir = mkdtempSync(join(tmpdir(), 'hookflow-send-'));
    const configPath = join(dir, 'hookflow.config.json');
    writeFileSync(configPath, JSON.stringify({ sources: { [name]: { provider: name, secrets: [cases[name].secret], ...cases[name].config } } }));
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
    const previous = process.env.HOOKFLOW_CONFIG;
    process.env.HOOKFLOW_CONFIG = configPath;
    let code: number;
    try {
      code = await sendEvent([name, '--url', `${stack.receiver.url}/webhooks/${name}`]);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
      if (previous === undefined) delete process.env.HOOKFLOW_CONFIG;
      else process.env.HOOKFLOW_CONFIG = previous;
    }
    expect([code, printed[0]]).toEqual([0, '200 OK']);
    const answer = JSON.parse(printed[1]) as { status: string; workflowId: string };
    expect(answer.status).toBe('accepted');
    expect(await stack.waitForStatus(answer.workflowId, 'succeeded')).toMatchObject({ provider: name, secretIndex: 1 });
  });

  test('a delivery signed with a wrong secret is refused 401 and stored nowhere', async () => {
    const body = Buffer.from(JSON.stringify({ event: { id: `wrong-${random()}`, event_type: 'incident.triggered' } }));
    const sig = `v1=${createHmac('sha256', random()).update(body).digest('hex')}`;
    const response = await stack.post('/webhooks/pagerduty', body, { 'content-type': 'application/json', 'x-pagerduty-signature': sig });
    expect([response.status, (response.json as { error: string }).error]).toEqual([401, expect.stringContaining('signature')]);
    expect(await stack.store.events.countDocuments({ source: 'pagerduty', eventId: json(body).event.id })).toBe(0);
  });

  test('intercom: the signed ping is answered 200 and starts no workflow; a forged one is 401', async () => {
    const before = await handshakeCount('intercom');
    const body = Buffer.from(JSON.stringify({ type: 'notification_event', id: `notif_ping_${random()}`, topic: 'ping', data: { item: { type: 'ping' } } }));
    const ping = await post('intercom', body);
    expect([ping.status, ping.json]).toEqual([200, { status: 'pong' }]);
    const forged = await post('intercom', body, { 'x-hub-signature': `sha1=${'0'.repeat(40)}` });
    expect(forged.status).toBe(401);
    expect(await handshakeCount('intercom')).toBe(before + 1);
    expect(await stack.store.events.countDocuments({ source: 'intercom', type: 'ping' })).toBe(0);
  });

  test('cloudflare: the test message sent on save is answered 200 and starts no workflow; without the secret it is 401', async () => {
    const before = await handshakeCount('cloudflare');
    const body = Buffer.from(JSON.stringify({ text: 'Hello World! This is a test message sent from https://cloudflare.com.' }));
    const test = await post('cloudflare', body);
    expect([test.status, test.json]).toEqual([200, { status: 'ok' }]);
    const forged = await stack.post('/webhooks/cloudflare', body, { 'content-type': 'application/json', 'cf-webhook-auth': 'guess' });
    expect(forged.status).toBe(401);
    expect(await handshakeCount('cloudflare')).toBe(before + 1);
    expect(await stack.store.events.countDocuments({ source: 'cloudflare', type: 'unknown' })).toBe(0);
  });

  test('segment: a batch is one event, named by its body\'s hash, of type batch', async () => {
    const body = Buffer.from(JSON.stringify({ batch: [{ type: 'track', messageId: random(), event: 'A' }, { type: 'identify', messageId: random() }] }));
    const response = await post('segment', body);
    expect(response.json).toEqual({ status: 'accepted', workflowId: `segment:${sha256(body)}` });
    expect(await stack.waitForStatus(`segment:${sha256(body)}`, 'succeeded')).toMatchObject({ type: 'batch', eventId: sha256(body) });
  });

  test('box: a retry (new BOX-DELIVERY-ID, new timestamp) is a duplicate of the first delivery', async () => {
    const sample = stack.config.sources.get('box')!.provider.sample(undefined, new Date());
    const first = await post('box', sample.body);
    const retry = await post('box', sample.body);
    const id = json(sample.body).id;
    expect([first.json, retry.json]).toEqual([
      { status: 'accepted', workflowId: `box:${id}` },
      { status: 'duplicate', workflowId: `box:${id}` },
    ]);
  });
});
