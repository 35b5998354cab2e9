import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { JSON_TYPE } from '../payload';
import type { Payload } from '../types';
import type { Preset, Scheme } from './preset';

/**
 * Issue #12, second batch: providers that sign the raw body alone with an HMAC in one header.
 * None of them signs a timestamp, so none can be checked for freshness: a replay of a captured
 * delivery is stopped by the event ID (the workflow ID), which is why each ID below is the
 * provider's own, stable across its retries.
 */

const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value)), contentType: JSON_TYPE });
const hex = () => randomBytes(16).toString('hex');
const unix = (now: Date) => Math.floor(now.getTime() / 1000);
const bodyHmac = (
  header: string,
  algorithm: 'sha1' | 'sha256',
  encoding: 'hex' | 'base64',
  prefix?: string,
  list?: boolean,
): Scheme => ({
  kind: 'hmac',
  algorithm,
  signature: { header, encoding, ...(prefix ? { prefix } : {}), ...(list ? { list } : {}) },
  signed: ['body'],
});

/** A Segment batch (an array, or classic `{batch: [...]}`) is one event of type `batch`. */
function segmentType(payload: Payload): string | undefined {
  if (Array.isArray(payload)) return 'batch';
  if (payload === null || typeof payload !== 'object') return undefined;
  const record = payload as Record<string, unknown>;
  if (Array.isArray(record.batch)) return 'batch';
  return typeof record.type === 'string' ? record.type : undefined;
}

export const BODY_HMAC_PRESETS: readonly Preset[] = [
  {
    name: 'bitbucket',
    spec: 'Bitbucket Cloud: X-Hub-Signature sha256=<hex> over the body; https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/',
    scheme: bodyHmac('x-hub-signature', 'sha256', 'hex', 'sha256='),
    // X-Request-UUID is the delivery's, kept by Bitbucket's retries (X-Attempt-Number counts them).
    id: 'header:x-request-uuid',
    type: ['header:x-event-key', 'body:eventKey'],
    headers: ({ eventType }) => ({
      'x-event-key': eventType ?? 'repo:push',
      'x-request-uuid': randomUUID(),
      'x-hook-uuid': randomUUID(),
      'x-attempt-number': '1',
    }),
    sample: (_type, now) =>
      json({
        push: { changes: [{ new: { type: 'branch', name: 'main', target: { hash: randomBytes(20).toString('hex'), date: now.toISOString() } } }] },
        repository: { type: 'repository', full_name: 'ops/hookflow', uuid: `{${randomUUID()}}` },
        actor: { type: 'user', display_name: 'Ada Lovelace', uuid: `{${randomUUID()}}` },
      }),
  },
  {
    name: 'atlassian',
    spec: 'Jira and Confluence admin webhooks: X-Hub-Signature sha256=<hex> over the body; https://developer.atlassian.com/cloud/jira/platform/webhooks/',
    scheme: bodyHmac('x-hub-signature', 'sha256', 'hex', 'sha256='),
    // The identifier is the same on every retry (X-Atlassian-Webhook-Retry counts them).
    id: 'header:x-atlassian-webhook-identifier',
    type: ['body:webhookEvent', 'body:event'],
    occurredAt: { from: 'body:timestamp', unit: 'ms' },
    headers: () => ({ 'x-atlassian-webhook-identifier': String(randomInt(1e9, 9e9)) }),
    sample: (type, now) =>
      json({
        timestamp: now.getTime(),
        webhookEvent: type ?? 'jira:issue_created',
        issue_event_type_name: 'issue_created',
        user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ada Lovelace' },
        issue: { id: String(randomInt(10000, 99999)), key: `OPS-${randomInt(1, 999)}`, fields: { summary: 'Retry backoff too short', status: { name: 'To Do' } } },
      }),
  },
  {
    name: 'intercom',
    spec: 'Intercom: X-Hub-Signature sha1=<hex> over the body, keyed with the app client_secret; https://developers.intercom.com/docs/webhooks/webhook-notifications',
    scheme: bodyHmac('x-hub-signature', 'sha1', 'hex', 'sha1='),
    id: 'body:id',
    type: 'body:topic',
    occurredAt: { from: 'body:created_at', unit: 's' },
    // The `ping` Intercom sends when a topic is set up is signed like any notification: answer it
    // once verified, with nothing to process.
    handshakes: [{ kind: 'signed', when: [{ select: 'body:topic', equals: 'ping' }], reply: { status: 200, body: { status: 'pong' } } }],
    sampleHandshake: (_o, _s, now) => ({
      method: 'POST',
      signed: true,
      headers: {},
      body: Buffer.from(JSON.stringify({ type: 'notification_event', app_id: 'abc123de', id: `notif_${randomUUID()}`, topic: 'ping', data: { type: 'notification_event_data', item: { type: 'ping', message: 'Hello' } }, created_at: unix(now) })),
      expect: { status: 200 },
    }),
    sample: (type, now) =>
      json({
        type: 'notification_event',
        app_id: 'abc123de',
        id: `notif_${randomUUID()}`,
        topic: type ?? 'conversation.user.created',
        delivery_status: 'pending',
        delivery_attempts: 1,
        delivered_at: 0,
        first_sent_at: unix(now),
        created_at: unix(now),
        data: { type: 'notification_event_data', item: { type: 'conversation', id: String(randomInt(1e9, 9e9)), created_at: unix(now), source: { body: '<p>Hi, my order has not arrived</p>' } } },
      }),
  },
  {
    name: 'razorpay',
    spec: 'Razorpay: X-Razorpay-Signature <hex> HMAC-SHA256 of the body with the webhook secret; https://razorpay.com/docs/webhooks/validate-test/',
    scheme: bodyHmac('x-razorpay-signature', 'sha256', 'hex'),
    // X-Razorpay-Event-Id is the event's, the same on each retry: Razorpay's own dedup key.
    id: 'header:x-razorpay-event-id',
    type: 'body:event',
    occurredAt: { from: 'body:created_at', unit: 's' },
    headers: () => ({ 'x-razorpay-event-id': `${randomBytes(7).toString('base64url')}` }),
    sample: (type, now) =>
      json({
        entity: 'event',
        account_id: 'acc_BFQ7uQEaa7j2z7',
        event: type ?? 'payment.captured',
        contains: ['payment'],
        payload: { payment: { entity: { id: `pay_${randomBytes(7).toString('base64url')}`, entity: 'payment', amount: 50000, currency: 'INR', status: 'captured', method: 'upi', created_at: unix(now) } } },
        created_at: unix(now),
      }),
  },
  {
    name: 'typeform',
    spec: 'Typeform: Typeform-Signature sha256=<base64> over the body; https://www.typeform.com/developers/webhooks/secure-your-webhooks/',
    scheme: bodyHmac('typeform-signature', 'sha256', 'base64', 'sha256='),
    id: 'body:event_id',
    type: 'body:event_type',
    occurredAt: { from: 'body:form_response.submitted_at', unit: 'iso' },
    sample: (type, now) =>
      json({
        event_id: randomBytes(13).toString('hex').toUpperCase(),
        event_type: type ?? 'form_response',
        form_response: {
          form_id: 'lT4Z3j',
          token: hex(),
          landed_at: now.toISOString(),
          submitted_at: now.toISOString(),
          definition: { id: 'lT4Z3j', title: 'Customer feedback', fields: [{ id: 'DlXFaesGBpoF', type: 'opinion_scale', title: 'How likely are you to recommend us?' }] },
          answers: [{ type: 'number', number: 9, field: { id: 'DlXFaesGBpoF', type: 'opinion_scale' } }],
        },
      }),
  },
  {
    name: 'vercel',
    spec: 'Vercel: x-vercel-signature <hex> HMAC-SHA1 of the body (webhook secret, or the integration client secret); https://vercel.com/docs/webhooks/webhooks-api',
    scheme: bodyHmac('x-vercel-signature', 'sha1', 'hex'),
    id: 'body:id',
    type: 'body:type',
    occurredAt: { from: 'body:createdAt', unit: 'ms' },
    sample: (type, now) =>
      json({
        id: `${randomBytes(10).toString('base64url')}`,
        type: type ?? 'deployment.succeeded',
        createdAt: now.getTime(),
        region: 'sfo1',
        payload: {
          team: { id: 'team_1a2b3c4d5e6f' },
          project: { id: 'prj_9z8y7x6w5v' },
          deployment: { id: `dpl_${randomBytes(10).toString('base64url')}`, name: 'hookflow-web', url: 'hookflow-web-abc123.vercel.app' },
          target: 'production',
        },
      }),
  },
  {
    name: 'sentry',
    spec: 'Sentry integration platform: Sentry-Hook-Signature <hex> HMAC-SHA256 of the body with the client secret; https://docs.sentry.io/integrations/integration-platform/webhooks/',
    scheme: bodyHmac('sentry-hook-signature', 'sha256', 'hex'),
    // Sentry-Hook-Timestamp is not signed, so it proves nothing about freshness and is not checked.
    id: 'header:request-id',
    type: ['{header:sentry-hook-resource}.{body:action}', 'header:sentry-hook-resource'],
    headers: ({ now, eventType }) => ({
      'request-id': randomUUID(),
      'sentry-hook-resource': eventType ?? 'issue',
      'sentry-hook-timestamp': String(unix(now)),
    }),
    sample: (_type, now) =>
      json({
        action: 'created',
        installation: { uuid: randomUUID() },
        data: { issue: { id: String(randomInt(1e9, 9e9)), title: 'TypeError: fetch failed', culprit: 'src/forward/post.ts', level: 'error', status: 'unresolved', firstSeen: now.toISOString() } },
        actor: { type: 'application', id: 'sentry', name: 'Sentry' },
      }),
  },
  {
    name: 'lemonsqueezy',
    spec: 'Lemon Squeezy: X-Signature <hex> HMAC-SHA256 of the body with the signing secret; https://docs.lemonsqueezy.com/help/webhooks/webhook-requests',
    scheme: bodyHmac('x-signature', 'sha256', 'hex'),
    // No event ID: the event name, the object and its updated_at name one change, and a retry
    // (the same body) gives the same ID; the body's hash where one is missing.
    id: ['{body:meta.event_name}:{body:data.type}:{body:data.id}:{body:data.attributes.updated_at}', 'hash:body'],
    type: ['body:meta.event_name', 'header:x-event-name'],
    occurredAt: { from: 'body:data.attributes.updated_at', unit: 'iso' },
    headers: ({ eventType }) => ({ 'x-event-name': eventType ?? 'order_created' }),
    sample: (type, now) =>
      json({
        meta: { event_name: type ?? 'order_created', custom_data: { customer_id: 25 } },
        data: {
          type: 'orders',
          id: String(randomInt(1, 1e6)),
          attributes: { store_id: 1, identifier: randomUUID(), status: 'paid', total: 999, currency: 'USD', user_email: 'ada@example.com', created_at: now.toISOString(), updated_at: now.toISOString() },
        },
      }),
  },
  {
    name: 'pagerduty',
    spec: 'PagerDuty webhooks v3: X-PagerDuty-Signature v1=<hex>[,v1=<hex>] HMAC-SHA256 of the body, any one matching; https://developer.pagerduty.com/docs/webhooks/v3-overview/',
    scheme: bodyHmac('x-pagerduty-signature', 'sha256', 'hex', 'v1=', true),
    id: 'body:event.id',
    type: 'body:event.event_type',
    occurredAt: { from: 'body:event.occurred_at', unit: 'iso' },
    headers: () => ({ 'x-webhook-id': randomBytes(7).toString('hex').toUpperCase(), 'x-webhook-subscription': randomBytes(7).toString('hex').toUpperCase() }),
    sample: (type, now) =>
      json({
        event: {
          id: randomBytes(13).toString('hex').toUpperCase(),
          event_type: type ?? 'incident.triggered',
          resource_type: 'incident',
          occurred_at: now.toISOString(),
          agent: { id: 'PLH1HKV', type: 'user_reference' },
          client: null,
          data: { id: 'PGR0VU2', type: 'incident', number: 2, status: 'triggered', title: 'Receiver 5xx rate above 1%', urgency: 'high' },
        },
      }),
  },
  {
    name: 'segment',
    spec: 'Segment webhooks: X-Signature <hex> HMAC-SHA1 of the body with the shared secret; https://segment.com/docs/connections/destinations/catalog/actions-webhook/',
    scheme: bodyHmac('x-signature', 'sha1', 'hex'),
    // A batch carries no one messageId: it is one event, named by its body's hash.
    id: ['body:messageId', 'hash:body'],
    type: segmentType,
    occurredAt: { from: ['body:timestamp', 'body:sentAt'], unit: 'iso' },
    sample: (type, now) =>
      json({
        type: type ?? 'track',
        event: 'Order Completed',
        messageId: `ajs-next-${randomUUID()}`,
        userId: 'user_4821',
        anonymousId: randomUUID(),
        properties: { order_id: '50314b8e9bcf000000000000', total: 27.5, currency: 'USD' },
        context: { library: { name: 'analytics.js', version: '2.11.1' } },
        timestamp: now.toISOString(),
        sentAt: now.toISOString(),
      }),
  },
  {
    name: 'coinbase-commerce',
    spec: 'Coinbase Commerce: X-CC-Webhook-Signature <hex> HMAC-SHA256 of the body with the shared secret; https://docs.cdp.coinbase.com/commerce/api-architecture/webhooks-overview',
    scheme: bodyHmac('x-cc-webhook-signature', 'sha256', 'hex'),
    // The top-level id is the delivery's; the event's own ID is event.id.
    id: 'body:event.id',
    type: 'body:event.type',
    occurredAt: { from: 'body:event.created_at', unit: 'iso' },
    sample: (type, now) =>
      json({
        id: randomInt(1, 1e6),
        scheduled_for: now.toISOString(),
        attempt_number: 1,
        event: {
          id: randomUUID(),
          resource: 'event',
          type: type ?? 'charge:confirmed',
          api_version: '2018-03-22',
          created_at: now.toISOString(),
          data: { id: randomUUID(), code: randomBytes(4).toString('hex').toUpperCase(), name: 'Hookflow Pro', pricing: { local: { amount: '100.00', currency: 'USD' } } },
        },
      }),
  },
];
