import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { JSON_TYPE } from '../payload';
import type { Payload } from '../types';
import type { Preset } from './preset';

/**
 * Providers written as data (src/providers/presets/preset.ts) over the shared schemes.
 *
 * To add one: append an entry to PRESETS below (or export an array from a file of your own and
 * spread it into PRESETS), e.g.
 *
 *   {
 *     name: 'acme', spec: 'Acme: X-Acme-Signature sha256=<hex> over the body; https://acme.dev/webhooks',
 *     scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex' }, signed: ['body'] },
 *     id: ['header:x-acme-delivery', 'hash:body'], type: 'body:type',
 *     sample: (type, now) => json({ id: `evt_${now.getTime()}`, type: type ?? 'order.paid' }),
 *   },
 *
 * The registry validates every preset when it loads (check-preset.ts), and the registry-wide
 * round-trip test (test/unit/providers/registry-roundtrip.test.ts) signs each sample and checks
 * that tampered, stale, future and wrong-secret variants fail: a new preset is covered by it at
 * once. Add a row to the README's provider table, and a case to test/integration/providers-e2e.test.ts.
 */

export const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value)), contentType: JSON_TYPE });
const unix = (now: Date) => Math.floor(now.getTime() / 1000);
const snowflake = () => String(BigInt(randomInt(1, 2 ** 40)) << 22n);

/** Telegram names an update's kind by its one key besides update_id. */
function telegramType(payload: Payload): string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  return Object.keys(payload).find((k) => k !== 'update_id');
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'meta',
    spec: 'Meta (WhatsApp, Messenger, Instagram): X-Hub-Signature-256 over the body; GET hub.challenge; https://developers.facebook.com/docs/graph-api/webhooks/getting-started',
    methods: ['GET', 'POST'],
    scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-hub-signature-256', prefix: 'sha256=', encoding: 'hex', list: true }, signed: ['body'] },
    secretHeaders: ['x-hub-signature'],
    // The envelope has no ID: a WhatsApp message's or status's ID where there is one, else the body.
    id: ['body:entry.0.changes.0.value.messages.0.id', 'body:entry.0.changes.0.value.statuses.0.id', 'hash:body'],
    type: ['{body:object}.{body:entry.0.changes.0.field}', 'body:object'],
    options: z.object({ verifyToken: z.string().min(1).optional() }).strict(),
    secretOptions: ['verifyToken'],
    handshakes: [
      {
        kind: 'challenge',
        method: 'GET',
        when: [{ select: 'query:hub.mode', equals: 'subscribe' }, { select: 'query:hub.challenge' }],
        token: { select: 'query:hub.verify_token', option: 'verifyToken' },
        reply: { status: 200, echo: 'query:hub.challenge', contentType: 'text/plain' },
      },
    ],
    sample: (type, now) =>
      json({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: type ?? 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                  contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
                  messages: [
                    {
                      from: '16505551234',
                      id: `wamid.${randomBytes(24).toString('base64url')}`,
                      timestamp: String(unix(now)),
                      text: { body: 'Does it come in another color?' },
                      type: 'text',
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    sampleHandshake: (options) => {
      const challenge = String(randomInt(1e9, 2e9));
      const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.challenge': challenge, 'hub.verify_token': String(options.verifyToken ?? '') });
      return { method: 'GET', query: `?${query}`, headers: {}, expect: { status: 200, body: challenge } };
    },
  },
  {
    name: 'discord',
    spec: 'Discord interactions and Webhook Events: Ed25519 over timestamp + body; https://docs.discord.com/developers/events/webhook-events',
    scheme: {
      kind: 'publickey',
      algorithm: 'ed25519',
      signature: { header: 'x-signature-ed25519', encoding: 'hex' },
      signed: ['timestamp', 'body'],
      timestamp: { from: 'header:x-signature-timestamp', unit: 's' },
    },
    // Interactions have an ID; Webhook Events carry none, so the body identifies them.
    id: ['body:id', 'hash:body'],
    type: ['body:event.type', 'interaction.{body:type}'],
    occurredAt: { from: 'body:event.timestamp', unit: 'iso' },
    handshakes: [
      { kind: 'signed', when: [{ select: 'body:type', equals: '1' }, { select: 'body:token' }], reply: { status: 200, body: { type: 1 } } },
      { kind: 'signed', when: [{ select: 'body:type', equals: '0' }, { select: 'body:application_id' }], reply: { status: 204 } },
    ],
    answers: [
      // Webhook Events are acknowledged with 204; an interaction must get an interaction response
      // within 3 s: a deferred one (the handler follows up through the interaction token).
      { when: [{ select: 'body:event.type' }], reply: { status: 204 } },
      { when: [{ select: 'body:type', equals: '3' }], reply: { status: 200, body: { type: 6 } } },
      { reply: { status: 200, body: { type: 5 } } },
    ],
    sampleHandshake: () => ({
      method: 'POST',
      signed: true,
      headers: {},
      body: Buffer.from(JSON.stringify({ id: snowflake(), application_id: '1234567890123456789', type: 1, token: randomBytes(32).toString('base64url'), version: 1 })),
      expect: { status: 200, body: '{"type":1}' },
    }),
    sample: (type, now) =>
      type === 'interaction'
        ? json({
            id: snowflake(),
            application_id: '1234567890123456789',
            type: 2,
            token: randomBytes(32).toString('base64url'),
            version: 1,
            data: { id: snowflake(), name: 'deploy', type: 1 },
            guild_id: '290926798626357250',
            channel_id: '290926798999357250',
            member: { user: { id: '53908232506183680', username: 'ada' } },
          })
        : json({
            version: 1,
            application_id: '1234567890123456789',
            type: 1,
            event: {
              type: type ?? 'APPLICATION_AUTHORIZED',
              timestamp: now.toISOString(),
              data: { integration_type: 0, scopes: ['applications.commands'], user: { id: '53908232506183680', username: 'ada' } },
            },
          }),
  },
  {
    name: 'gitlab',
    spec: 'GitLab: X-Gitlab-Token, or with a signing token Standard Webhooks webhook-* headers; https://docs.gitlab.com/user/project/integrations/webhooks',
    // The signature is the stronger proof: when both are sent, it decides.
    scheme: [{ kind: 'standard-webhooks' }, { kind: 'token', from: 'header:x-gitlab-token' }],
    secretHeaders: ['x-gitlab-token'],
    id: ['header:idempotency-key', 'header:x-gitlab-event-uuid', 'header:webhook-id'],
    type: ['header:x-gitlab-event', 'body:object_kind'],
    defaultToleranceSeconds: 300,
    headers: ({ eventType }) => ({
      'x-gitlab-event': eventType ?? 'Push Hook',
      'x-gitlab-event-uuid': randomUUID(),
      'x-gitlab-webhook-uuid': randomUUID(),
      'idempotency-key': randomUUID(),
      'x-gitlab-instance': 'https://gitlab.example.com',
    }),
    sample: (_type, now) =>
      json({
        object_kind: 'push',
        event_name: 'push',
        before: randomBytes(20).toString('hex'),
        after: randomBytes(20).toString('hex'),
        ref: 'refs/heads/main',
        user_username: 'ada',
        project_id: 15,
        project: { id: 15, name: 'hookflow', path_with_namespace: 'ops/hookflow', web_url: 'https://gitlab.example.com/ops/hookflow' },
        commits: [{ id: randomBytes(20).toString('hex'), message: 'Fix the retry backoff', timestamp: now.toISOString() }],
        total_commits_count: 1,
      }),
  },
  {
    name: 'telegram',
    spec: 'Telegram Bot API: X-Telegram-Bot-Api-Secret-Token equals setWebhook secret_token; https://core.telegram.org/bots/api#setwebhook',
    scheme: { kind: 'token', from: 'header:x-telegram-bot-api-secret-token' },
    id: 'body:update_id',
    type: telegramType,
    occurredAt: { from: ['body:message.date', 'body:edited_message.date', 'body:channel_post.date'], unit: 's' },
    sample: (type, now) =>
      json({
        update_id: randomInt(1e8, 1e9),
        [type ?? 'message']: {
          message_id: randomInt(1, 1e6),
          from: { id: 123456789, is_bot: false, first_name: 'Ada', username: 'ada' },
          chat: { id: 123456789, type: 'private', first_name: 'Ada', username: 'ada' },
          date: unix(now),
          text: '/start',
        },
      }),
  },
  ...(['clerk', 'resend'] as const).map(
    (name): Preset => ({
      name,
      spec: `${name === 'clerk' ? 'Clerk' : 'Resend'}: Svix (svix-id, svix-timestamp, svix-signature); https://docs.svix.com/receiving/verifying-payloads/how-manual`,
      scheme: { kind: 'standard-webhooks' },
      id: ['header:svix-id', 'header:webhook-id'],
      type: 'body:type',
      occurredAt: { from: ['header:svix-timestamp', 'header:webhook-timestamp'], unit: 's' },
      defaultToleranceSeconds: 300,
      headers: () => ({ 'svix-id': `msg_${randomBytes(14).toString('base64url')}` }),
      sample: (type, now) =>
        name === 'clerk'
          ? json({
              object: 'event',
              type: type ?? 'user.created',
              timestamp: now.getTime(),
              instance_id: 'ins_2abcDEFghiJKLmnoPQRstuVWxyz',
              data: {
                id: `user_${randomBytes(12).toString('hex')}`,
                object: 'user',
                first_name: 'Ada',
                email_addresses: [{ id: `idn_${randomBytes(8).toString('hex')}`, email_address: 'ada@example.com' }],
                created_at: now.getTime(),
              },
            })
          : json({
              type: type ?? 'email.delivered',
              created_at: now.toISOString(),
              data: {
                email_id: randomUUID(),
                from: 'Acme <onboarding@resend.dev>',
                to: ['ada@example.com'],
                subject: 'Your receipt',
                created_at: now.toISOString(),
              },
            }),
    }),
  ),
  {
    name: 'twitch',
    spec: 'Twitch EventSub: HMAC-SHA256 over Message-Id + Message-Timestamp + body; https://dev.twitch.tv/docs/eventsub/handling-webhook-events',
    scheme: {
      kind: 'hmac',
      algorithm: 'sha256',
      signature: { header: 'twitch-eventsub-message-signature', prefix: 'sha256=', encoding: 'hex' },
      signed: ['header:twitch-eventsub-message-id', 'header:twitch-eventsub-message-timestamp', 'body'],
      timestamp: { from: 'header:twitch-eventsub-message-timestamp', unit: 'iso' },
    },
    // Twitch: "reject any message whose timestamp is more than 10 minutes old".
    defaultToleranceSeconds: 600,
    id: 'header:twitch-eventsub-message-id',
    // A revocation is recorded as an event of its own type, so it is not mistaken for a notification.
    type: (_payload, req) => {
      const subscription = req.headers['twitch-eventsub-subscription-type']?.trim();
      return req.headers['twitch-eventsub-message-type']?.trim() === 'revocation' ? `revocation.${subscription ?? 'unknown'}` : subscription;
    },
    occurredAt: { from: 'header:twitch-eventsub-message-timestamp', unit: 'iso' },
    handshakes: [
      {
        kind: 'signed',
        when: [{ select: 'header:twitch-eventsub-message-type', equals: 'webhook_callback_verification' }],
        reply: { status: 200, echo: 'body:challenge', contentType: 'text/plain' },
      },
    ],
    sampleHandshake: (_options, _secret, now) => {
      const challenge = randomBytes(24).toString('base64url');
      return {
        method: 'POST',
        signed: true,
        headers: {
          'twitch-eventsub-message-id': randomUUID(),
          'twitch-eventsub-message-type': 'webhook_callback_verification',
          'twitch-eventsub-subscription-type': 'channel.follow',
          'twitch-eventsub-subscription-version': '2',
        },
        body: Buffer.from(
          JSON.stringify({
            challenge,
            subscription: { id: randomUUID(), status: 'webhook_callback_verification_pending', type: 'channel.follow', version: '2', created_at: now.toISOString() },
          }),
        ),
        expect: { status: 200, body: challenge },
      };
    },
    headers: ({ eventType }) => ({
      'twitch-eventsub-message-id': randomUUID(),
      'twitch-eventsub-message-retry': '0',
      'twitch-eventsub-message-type': eventType === 'revocation' ? 'revocation' : 'notification',
      'twitch-eventsub-subscription-type': 'channel.follow',
      'twitch-eventsub-subscription-version': '2',
    }),
    sample: (type, now) => {
      const subscription = {
        id: randomUUID(),
        status: type === 'revocation' ? 'authorization_revoked' : 'enabled',
        type: 'channel.follow',
        version: '2',
        cost: 0,
        condition: { broadcaster_user_id: '1337', moderator_user_id: '1337' },
        transport: { method: 'webhook', callback: 'https://hooks.example.com/webhooks/twitch' },
        created_at: now.toISOString(),
      };
      return type === 'revocation'
        ? json({ subscription })
        : json({
            subscription,
            event: {
              user_id: '1234',
              user_login: 'cool_user',
              user_name: 'Cool_User',
              broadcaster_user_id: '1337',
              broadcaster_user_login: 'cooler_user',
              broadcaster_user_name: 'Cooler_User',
              followed_at: now.toISOString(),
            },
          });
    },
  },
];
