import { randomBytes, randomUUID } from 'node:crypto';
import { JSON_TYPE } from '../payload';
import type { Preset } from './preset';

/**
 * Issue #12, second batch: providers that prove themselves with a shared credential rather than
 * an HMAC of the body: Cloudflare's `cf-webhook-auth` secret (which does not cover the body).
 * Netlify's JWS is src/providers/netlify.ts.
 */

const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value)), contentType: JSON_TYPE });
const unix = (now: Date) => Math.floor(now.getTime() / 1000);

export const CREDENTIAL_PRESETS: readonly Preset[] = [
  {
    name: 'cloudflare',
    spec: 'Cloudflare Notifications webhooks: cf-webhook-auth equal to the webhook secret; https://developers.cloudflare.com/notifications/get-started/configure-webhooks/',
    scheme: { kind: 'token', from: 'header:cf-webhook-auth' },
    // No event ID in a notification: the body's hash (a retry sends the same body).
    id: 'hash:body',
    type: 'body:alert_type',
    occurredAt: { from: 'body:ts', unit: 's' },
    // The test Cloudflare sends when a webhook is saved carries the secret but no alert: answer
    // it once the secret is checked, with nothing to process.
    handshakes: [{ kind: 'signed', when: [{ select: 'body:text' }, { select: 'body:alert_type', absent: true }], reply: { status: 200, body: { status: 'ok' } } }],
    sampleHandshake: () => ({
      method: 'POST',
      signed: true,
      headers: {},
      body: Buffer.from(JSON.stringify({ text: 'Hello World! This is a test message sent from https://cloudflare.com. If you can see this, your webhook is configured properly.' })),
      expect: { status: 200 },
    }),
    sample: (type, now) =>
      json({
        name: 'Origin health',
        text: 'Health check for origin 203.0.113.10 is unhealthy',
        data: { status: 'Unhealthy', reason: 'HTTP timeout', origin_ip: '203.0.113.10' },
        ts: unix(now),
        account_id: randomBytes(16).toString('hex'),
        policy_id: randomUUID(),
        alert_type: type ?? 'health_check_status_notification',
      }),
  },
];
