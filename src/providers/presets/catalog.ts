import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { JSON_TYPE } from '../payload';
import { publicKeyProblem } from '../schemes/public-key';
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
  {
    name: 'microsoft-graph',
    spec: 'Microsoft Graph change notifications: validationToken echo; clientState in every notification; https://learn.microsoft.com/graph/change-notifications-delivery-webhooks',
    // No signature: each notification carries the subscription's clientState (rich notifications'
    // validationTokens need Microsoft's keys over the network, which hookflow does not fetch).
    scheme: { kind: 'token', from: 'body:clientState', option: 'clientState', each: 'value' },
    needsSecrets: false,
    options: z.object({ clientState: z.string().min(1).max(128) }).strict(),
    secretOptions: ['clientState'],
    // A batch of notifications is one event; Graph sends no delivery ID.
    id: 'hash:body',
    type: ['body:value.0.lifecycleEvent', 'body:value.0.changeType'],
    handshakes: [
      {
        kind: 'challenge',
        method: 'POST',
        when: [{ select: 'query:validationToken' }],
        reply: { status: 200, echo: 'query:validationToken', contentType: 'text/plain' },
      },
    ],
    answers: [{ reply: { status: 202 } }],
    sample: (type, now) =>
      json({
        value: [
          {
            subscriptionId: randomUUID(),
            subscriptionExpirationDateTime: new Date(now.getTime() + 3_600_000).toISOString(),
            changeType: type ?? 'created',
            resource: `Users/${randomUUID()}/Messages/${randomBytes(12).toString('hex')}`,
            resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: randomBytes(12).toString('hex') },
            clientState: '',
            tenantId: randomUUID(),
          },
        ],
      }),
    sampleHandshake: () => {
      const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
      return { method: 'POST', query: `?validationToken=${encodeURIComponent(token)}`, headers: { 'content-type': 'text/plain; charset=utf-8' }, expect: { status: 200, body: token } };
    },
  },
  {
    name: 'asana',
    spec: 'Asana: X-Hook-Secret handed over (and echoed) at webhook creation, then X-Hook-Signature hex HMAC-SHA256 of the body; https://developers.asana.com/docs/webhooks-guide',
    // The secret comes from the handshake, stored in MongoDB (src/receiver/learn-hook-secret.ts);
    // configured `secrets` are optional and tried too (a webhook created before hookflow).
    learnsSecret: { header: 'x-hook-secret' },
    needsSecrets: false,
    scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-hook-signature', encoding: 'hex' }, signed: ['body'] },
    secretHeaders: ['x-hook-secret'],
    // Asana sends no delivery ID; a retry repeats the body.
    id: 'hash:body',
    type: ['{body:events.0.resource.resource_type}.{body:events.0.action}', 'body:events.0.action'],
    occurredAt: { from: 'body:events.0.created_at', unit: 'iso' },
    sample: (type, now) =>
      json({
        events: [
          {
            user: { gid: '12345', resource_type: 'user' },
            created_at: now.toISOString(),
            action: type ?? 'changed',
            resource: { gid: String(randomInt(1e12, 1e13)), resource_type: 'task', resource_subtype: 'default_task' },
            parent: null,
            change: { field: 'assignee', action: 'changed' },
          },
        ],
      }),
    sampleHandshake: (_options, secret) => ({
      method: 'POST',
      headers: { 'x-hook-secret': secret },
      body: Buffer.from(''),
      expect: { status: 200, body: '' },
    }),
  },
  {
    name: 'dropbox',
    spec: 'Dropbox: X-Dropbox-Signature hex HMAC-SHA256 of the body (app secret); GET challenge; https://www.dropbox.com/developers/reference/webhooks',
    methods: ['GET', 'POST'],
    scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-dropbox-signature', encoding: 'hex' }, signed: ['body'] },
    // Dropbox sends no ID; a notification only says which accounts changed.
    id: 'hash:body',
    type: (payload) => (payload !== null && typeof payload === 'object' ? Object.keys(payload)[0] : undefined),
    handshakes: [
      {
        // Echoing is safe unsigned: nosniff stops a browser reading the echo as anything but text.
        kind: 'challenge',
        method: 'GET',
        when: [{ select: 'query:challenge' }],
        reply: { status: 200, echo: 'query:challenge', contentType: 'text/plain', headers: { 'X-Content-Type-Options': 'nosniff' } },
      },
    ],
    sample: () => json({ list_folder: { accounts: [`dbid:${randomBytes(16).toString('base64url')}`] }, delta: { users: [randomInt(1, 1e8)] } }),
    sampleHandshake: () => {
      const challenge = randomBytes(16).toString('hex');
      return { method: 'GET', query: `?challenge=${challenge}`, headers: {}, expect: { status: 200, body: challenge } };
    },
  },
  {
    name: 'okta',
    spec: 'Okta event hooks: the configured Authorization header value; GET X-Okta-Verification-Challenge; https://developer.okta.com/docs/concepts/event-hooks/',
    methods: ['GET', 'POST'],
    scheme: { kind: 'token', from: 'header:authorization' },
    // Okta batches events; the first event's uuid identifies the delivery.
    id: ['body:data.events.0.uuid', 'body:eventId'],
    type: 'body:data.events.0.eventType',
    occurredAt: { from: 'body:eventTime', unit: 'iso' },
    handshakes: [
      {
        // The one-time verification carries the hook's auth header too, so it is checked first.
        kind: 'challenge',
        method: 'GET',
        when: [{ select: 'header:x-okta-verification-challenge' }],
        verify: true,
        reply: { status: 200, echo: 'header:x-okta-verification-challenge', echoAs: 'verification' },
      },
    ],
    sample: (type, now) =>
      json({
        eventType: 'com.okta.event_hook',
        eventTypeVersion: '1.0',
        cloudEventsVersion: '0.1',
        source: 'https://example.okta.com/api/v1/eventHooks/who8vt36qfNpCGz9H1e6',
        eventId: randomUUID(),
        eventTime: now.toISOString(),
        contentType: 'application/json',
        data: {
          events: [
            {
              uuid: randomUUID(),
              published: now.toISOString(),
              eventType: type ?? 'user.lifecycle.create',
              displayMessage: 'Create Okta user',
              severity: 'INFO',
              actor: { id: '00u1qw1mqitPHM8AJ0g7', type: 'User', alternateId: 'admin@example.com' },
              target: [{ id: '00u1s5ljcbF95vjjD0g7', type: 'User', alternateId: 'ada@example.com' }],
            },
          ],
        },
      }),
    sampleHandshake: (_options, secret) => {
      const challenge = randomBytes(24).toString('base64url');
      return {
        method: 'GET',
        headers: { authorization: secret, 'x-okta-verification-challenge': challenge },
        expect: { status: 200, body: JSON.stringify({ verification: challenge }) },
      };
    },
  },
  {
    name: 'xero',
    spec: 'Xero: x-xero-signature base64 HMAC-SHA256 of the body (webhook key); intent to receive; https://developer.xero.com/documentation/guides/webhooks/configuring-your-server',
    scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-xero-signature', encoding: 'base64' }, signed: ['body'] },
    // No delivery ID: the first event's resource and time, else the body.
    id: ['{body:events.0.resourceId}:{body:events.0.eventType}:{body:events.0.eventDateUtc}', 'hash:body'],
    type: '{body:events.0.eventCategory}.{body:events.0.eventType}',
    occurredAt: { from: 'body:events.0.eventDateUtc', unit: 'iso' },
    handshakes: [
      // Intent to receive: signed payloads with no events get 200 with an empty body (unsigned: 401).
      { kind: 'signed', when: [{ select: 'body:events.length', equals: '0' }], reply: { status: 200 } },
    ],
    answers: [{ reply: { status: 200 } }],
    sample: (type, now) =>
      json({
        events: [
          {
            resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${randomUUID()}`,
            resourceId: randomUUID(),
            eventDateUtc: now.toISOString().replace('Z', ''),
            eventType: type ?? 'UPDATE',
            eventCategory: 'INVOICE',
            tenantId: randomUUID(),
            tenantType: 'ORGANISATION',
          },
        ],
        firstEventSequence: 1,
        lastEventSequence: 1,
        entropy: randomBytes(10).toString('hex').toUpperCase(),
      }),
  },
  {
    name: 'woocommerce',
    spec: 'WooCommerce: X-WC-Webhook-Signature base64 HMAC-SHA256 of the body; unsigned webhook_id ping; woocommerce includes/class-wc-webhook.php',
    scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-wc-webhook-signature', encoding: 'base64' }, signed: ['body'] },
    id: 'header:x-wc-webhook-delivery-id',
    type: 'header:x-wc-webhook-topic',
    handshakes: [
      {
        // Sent once when the webhook is saved, unsigned; anything but 200 marks it failing.
        kind: 'unsigned',
        when: [{ select: 'body:webhook_id' }, { select: 'header:x-wc-webhook-signature', absent: true }],
        reply: { status: 200 },
      },
    ],
    headers: ({ eventType }) => ({
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-topic': eventType ?? 'order.created',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': '12',
      'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
    }),
    sample: (_type, now) =>
      json({
        id: randomInt(1000, 99999),
        status: 'processing',
        currency: 'EUR',
        date_created: now.toISOString().slice(0, 19),
        total: '42.00',
        billing: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
        line_items: [{ id: 1, name: 'Analytical Engine', quantity: 1, total: '42.00' }],
      }),
    sampleHandshake: () => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('webhook_id=12'),
      expect: { status: 200, body: '' },
    }),
  },
  {
    name: 'notion',
    spec: 'Notion: X-Notion-Signature sha256=<hex> HMAC of the body keyed with the verification_token; https://developers.notion.com/reference/webhooks',
    scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: 'x-notion-signature', prefix: 'sha256=', encoding: 'hex' }, signed: ['body'] },
    id: 'body:id',
    type: 'body:type',
    occurredAt: { from: 'body:timestamp', unit: 'iso' },
    handshakes: [
      {
        // The first POST is unsigned and carries the token the operator pastes back into Notion
        // (it then becomes the source's secret): logged at info, which is on by default.
        kind: 'unsigned',
        when: [{ select: 'body:verification_token' }, { select: 'header:x-notion-signature', absent: true }],
        reply: { status: 200, log: 'body:verification_token' },
      },
    ],
    sample: (type, now) =>
      json({
        id: randomUUID(),
        timestamp: now.toISOString(),
        workspace_id: randomUUID(),
        workspace_name: 'Acme',
        subscription_id: randomUUID(),
        integration_id: randomUUID(),
        type: type ?? 'page.content_updated',
        authors: [{ id: randomUUID(), type: 'person' }],
        attempt_number: 1,
        entity: { id: randomUUID(), type: 'page' },
        data: { parent: { id: randomUUID(), type: 'space' }, updated_blocks: [] },
      }),
    sampleHandshake: () => ({
      method: 'POST',
      headers: {},
      body: Buffer.from(JSON.stringify({ verification_token: `secret_${randomBytes(24).toString('base64url')}` })),
      expect: { status: 200, body: '' },
    }),
  },
  {
    name: 'figma',
    spec: 'Figma webhooks V2: the passcode set on the webhook, in the body; PING on creation; https://developers.figma.com/docs/rest-api/webhooks-security',
    scheme: { kind: 'token', from: 'body:passcode' },
    secretHeaders: [],
    // Figma sends no delivery ID; a retry repeats the body, so it identifies the event.
    id: 'hash:body',
    type: 'body:event_type',
    occurredAt: { from: 'body:timestamp', unit: 'iso' },
    handshakes: [{ kind: 'signed', when: [{ select: 'body:event_type', equals: 'PING' }], reply: { status: 200 } }],
    sample: (type, now) =>
      json({
        event_type: type ?? 'FILE_UPDATE',
        file_key: randomBytes(11).toString('base64url'),
        file_name: 'Design system',
        passcode: '',
        timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        webhook_id: String(randomInt(1, 1e6)),
      }),
  },
  {
    name: 'postmark',
    spec: 'Postmark: HTTP Basic credentials set on the webhook URL; https://postmarkapp.com/developer/webhooks/webhooks-overview',
    scheme: { kind: 'basic' },
    needsSecrets: false,
    options: z.object({ users: z.array(z.string().min(1).refine((u) => u.includes(':'), 'must be name:password')).min(1) }).strict(),
    secretOptions: ['users'],
    id: ['{body:MessageID}:{body:RecordType}:{body:DeliveredAt}', '{body:MessageID}:{body:RecordType}:{body:BouncedAt}', '{body:MessageID}:{body:RecordType}', 'hash:body'],
    type: 'body:RecordType',
    sample: (type, now) =>
      json({
        RecordType: type ?? 'Delivery',
        ServerID: 23,
        MessageStream: 'outbound',
        MessageID: randomUUID(),
        Recipient: 'ada@example.com',
        Tag: 'welcome',
        DeliveredAt: now.toISOString(),
        Details: 'Test delivery webhook details',
        Metadata: { customer: '42' },
      }),
  },
  {
    name: 'plaid',
    spec: 'Plaid: Plaid-Verification ES256 JWT whose request_body_sha256 is the body hash; keys as JWKs; https://plaid.com/docs/api/webhooks/webhook-verification',
    // Keys are the JWKs webhook_verification_key/get returns, pinned in secrets: no network.
    scheme: { kind: 'jwt', from: 'header:plaid-verification', algorithms: ['ES256'], maxAge: true, bodySha256Claim: 'request_body_sha256' },
    // Plaid: "reject a webhook whose iat is more than 5 minutes old".
    defaultToleranceSeconds: 300,
    // No delivery ID: a retry repeats the body.
    id: 'hash:body',
    type: '{body:webhook_type}.{body:webhook_code}',
    sample: (type) =>
      json({
        webhook_type: 'TRANSACTIONS',
        webhook_code: type ?? 'SYNC_UPDATES_AVAILABLE',
        item_id: randomBytes(16).toString('base64url'),
        initial_update_complete: true,
        historical_update_complete: false,
        environment: 'production',
      }),
  },
  {
    name: 'paypal',
    spec: 'PayPal: SHA256withRSA over transmission-id|time|webhookId|crc32(body), against pinned certificates; https://developer.paypal.com/api/rest/webhooks/rest',
    scheme: {
      kind: 'publickey',
      algorithm: 'rsa-sha256',
      keysOption: 'certificates',
      signature: { header: 'paypal-transmission-sig', encoding: 'base64' },
      signed: ['header:paypal-transmission-id', 'header:paypal-transmission-time', 'option:webhookId', 'crc32'],
      separator: '|',
      timestamp: { from: 'header:paypal-transmission-time', unit: 'iso' },
    },
    // Verification must work offline: the certificate(s) at PAYPAL-CERT-URL are pinned in the source.
    needsSecrets: false,
    options: z
      .object({
        webhookId: z.string().min(1),
        certificates: z
          .array(z.string().min(1))
          .min(1)
          .superRefine((certs, ctx) =>
            certs.forEach((cert, i) => {
              const problem = publicKeyProblem(cert, 'rsa-sha256');
              if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem });
            }),
          ),
      })
      .strict(),
    secretOptions: ['webhookId'],
    secretHeaders: ['paypal-cert-url'],
    id: 'body:id',
    type: 'body:event_type',
    occurredAt: { from: 'body:create_time', unit: 'iso' },
    headers: ({ now }) => ({
      'paypal-transmission-id': randomUUID(),
      'paypal-transmission-time': now.toISOString(),
      'paypal-auth-algo': 'SHA256withRSA',
      'paypal-cert-url': 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270',
    }),
    sample: (type, now) =>
      json({
        id: `WH-${randomBytes(10).toString('hex').toUpperCase()}`,
        create_time: now.toISOString(),
        resource_type: 'capture',
        event_type: type ?? 'PAYMENT.CAPTURE.COMPLETED',
        summary: 'Payment completed for EUR 42.0 EUR',
        resource: { id: randomBytes(8).toString('hex').toUpperCase(), status: 'COMPLETED', amount: { currency_code: 'EUR', value: '42.00' } },
      }),
  },
];
