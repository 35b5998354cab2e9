import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { JSON_TYPE } from '../payload';
import type { Preset } from './preset';

/**
 * Issue #12, second batch: providers that sign a timestamp with the body, so the scheme checks
 * freshness both ways (a missing or malformed timestamp is refused, never skipped).
 */

const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value)), contentType: JSON_TYPE });

export const TIMESTAMPED_PRESETS: readonly Preset[] = [
  {
    name: 'zendesk',
    spec: 'Zendesk webhooks: X-Zendesk-Webhook-Signature <base64> HMAC-SHA256 of timestamp + body (no separator); https://developer.zendesk.com/documentation/webhooks/verifying/',
    scheme: {
      kind: 'hmac',
      algorithm: 'sha256',
      signature: { header: 'x-zendesk-webhook-signature', encoding: 'base64' },
      signed: ['timestamp', 'body'],
      timestamp: { from: 'header:x-zendesk-webhook-signature-timestamp', unit: 'iso' },
    },
    // Zendesk publishes no tolerance: hookflow's default (300 s) applies.
    // An event-subscription webhook's body has the event's ID; a trigger's custom body may not.
    id: ['body:id', 'header:x-zendesk-webhook-invocation-id'],
    type: 'body:type',
    occurredAt: { from: 'body:time', unit: 'iso' },
    headers: () => ({ 'x-zendesk-webhook-id': `${randomInt(1e9, 9e9)}${randomInt(1e6, 9e6)}`, 'x-zendesk-webhook-invocation-id': `${randomInt(1e9, 9e9)}${randomInt(1e6, 9e6)}` }),
    sample: (type, now) =>
      json({
        type: type ?? 'zen:event-type:ticket.created',
        account_id: 10_000_001,
        id: randomUUID(),
        time: now.toISOString(),
        zendesk_event_version: '2022-11-06',
        subject: 'zen:ticket:4821',
        detail: { id: '4821', subject: 'Order not arrived', status: 'NEW', priority: 'HIGH', requester_id: '372837' },
        event: {},
      }),
  },
  {
    name: 'calendly',
    spec: 'Calendly: Calendly-Webhook-Signature t=<unix>,v1=<hex> HMAC-SHA256 of t.body with the signing key; https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures',
    scheme: {
      kind: 'hmac',
      algorithm: 'sha256',
      signature: { header: 'calendly-webhook-signature', kv: { separator: ',', timestampKey: 't', signatureKey: 'v1' }, encoding: 'hex' },
      signed: ['timestamp', 'body'],
      separator: '.',
      timestamp: { from: 'kv', unit: 's' },
    },
    // Calendly's documented example allows three minutes.
    defaultToleranceSeconds: 180,
    // No event ID: the event name and the invitee's URI name one happening (invitee.created and
    // invitee.canceled share the URI); the body's hash where there is no URI.
    id: ['{body:event}:{body:payload.uri}', 'hash:body'],
    type: 'body:event',
    occurredAt: { from: 'body:created_at', unit: 'iso' },
    sample: (type, now) => {
      const event = `https://api.calendly.com/scheduled_events/${randomUUID()}`;
      return json({
        created_at: now.toISOString(),
        created_by: 'https://api.calendly.com/users/AAAAAAAAAAAAAAAA',
        event: type ?? 'invitee.created',
        payload: {
          uri: `${event}/invitees/${randomUUID()}`,
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          status: 'active',
          event,
          timezone: 'Europe/London',
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        },
      });
    },
  },
  {
    name: 'mux',
    spec: 'Mux: mux-signature t=<unix>,v1=<hex> HMAC-SHA256 of t.body with the signing secret; https://www.mux.com/docs/core/verify-webhook-signatures',
    scheme: {
      kind: 'hmac',
      algorithm: 'sha256',
      signature: { header: 'mux-signature', kv: { separator: ',', timestampKey: 't', signatureKey: 'v1' }, encoding: 'hex' },
      signed: ['timestamp', 'body'],
      separator: '.',
      timestamp: { from: 'kv', unit: 's' },
    },
    // @mux/mux-node's verifySignature default.
    defaultToleranceSeconds: 300,
    id: 'body:id',
    type: 'body:type',
    occurredAt: { from: 'body:created_at', unit: 'iso' },
    sample: (type, now) =>
      json({
        type: type ?? 'video.asset.ready',
        id: randomUUID(),
        created_at: now.toISOString(),
        environment: { name: 'Production', id: 'j0863n' },
        object: { type: 'asset', id: randomBytes(16).toString('base64url') },
        data: { id: randomBytes(16).toString('base64url'), status: 'ready', duration: 23.84, playback_ids: [{ id: randomBytes(16).toString('base64url'), policy: 'public' }] },
        attempts: [],
      }),
  },
  {
    name: 'sanity',
    spec: 'Sanity GROQ webhooks: sanity-webhook-signature t=<ms>,v1=<base64url> HMAC-SHA256 of t.body; https://github.com/sanity-io/webhook-toolkit',
    scheme: {
      kind: 'hmac',
      algorithm: 'sha256',
      signature: { header: 'sanity-webhook-signature', kv: { separator: ',', timestampKey: 't', signatureKey: 'v1' }, encoding: 'base64url' },
      signed: ['timestamp', 'body'],
      separator: '.',
      timestamp: { from: 'kv', unit: 'ms' },
    },
    // @sanity/webhook enforces no window; hookflow's default (300 s) applies, both ways.
    id: 'header:idempotency-key',
    // The projection decides the body: its _type where it kept one, else the operation alone.
    type: ['{body:_type}.{header:sanity-operation}', 'header:sanity-operation'],
    occurredAt: { from: 'header:sanity-transaction-time', unit: 'iso' },
    headers: ({ now, eventType }) => ({
      'idempotency-key': `idem_${randomBytes(16).toString('base64url')}`,
      'sanity-operation': eventType ?? 'update',
      'sanity-webhook-id': randomBytes(8).toString('base64url'),
      'sanity-transaction-id': randomBytes(12).toString('base64url'),
      'sanity-transaction-time': now.toISOString(),
      'sanity-dataset': 'production',
      'sanity-project-id': 'abc123xy',
      'sanity-document-id': 'post-4821',
    }),
    sample: (_type, now) =>
      json({ _id: 'post-4821', _type: 'post', _rev: randomBytes(11).toString('base64url'), _updatedAt: now.toISOString(), title: 'Retries, explained', slug: { current: 'retries-explained' } }),
  },
];
