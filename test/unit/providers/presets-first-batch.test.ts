import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { verifyKey } from 'discord-interactions';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import type { SourceConfig } from '../../../src/config/load-config';
import { BadRequestError } from '../../../src/errors/http-errors';
import { acceptWebhook } from '../../../src/receiver/accept-webhook';
import { acceptedEvent as event, handshake, req, source } from '../../harness/preset-request';
import { reason } from '../../harness/signature-reason';

/**
 * The first presets of issue #12, each checked against its provider's own library where one
 * exists, the published vectors, and its handshake exactly as the provider sends it.
 */
const random = () => randomBytes(24).toString('base64url');





describe('meta', () => {
  const secret = random();
  const verifyToken = random();
  const meta = source({ provider: 'meta', secrets: [random(), secret], verifyToken });
  const body = JSON.stringify({ object: 'page', entry: [{ id: '1', time: 1, changes: [{ field: 'feed', value: { item: 'post' } }] }] });
  const sig = (key: string, b = body) => `sha256=${createHmac('sha256', key).update(b).digest('hex')}`;

  test('the X-Hub-Signature-256 vector (same scheme as GitHub: docs vector) verifies', () => {
    const s = source({ provider: 'meta', secrets: ["It's a Secret to Everybody"] });
    const r = req({ 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' }, 'Hello, World!');
    expect(s.provider.verify(r, s.settings, new Date()).secretIndex).toBe(0);
  });

  test('a signed event is accepted with its type object.field and a body-derived ID; rotation reported', () => {
    const accepted = event(meta, req({ 'x-hub-signature-256': sig(secret) }, body));
    expect(accepted.event).toMatchObject({ type: 'page.feed', secretIndex: 1 });
    expect(accepted.event.eventId).toMatch(/^[0-9a-f]{64}$/);
  });

  test('tampered, wrong secret and malformed signatures are refused', () => {
    expect(reason(() => acceptWebhook(meta, req({ 'x-hub-signature-256': sig(secret) }, `${body} `), new Date()))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(meta, req({ 'x-hub-signature-256': sig('wrong') }, body), new Date()))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(meta, req({ 'x-hub-signature-256': 'sha1=abc' }, body), new Date()))).toBe('malformed_signature');
    expect(reason(() => acceptWebhook(meta, req({}, body), new Date()))).toBe('missing_signature');
  });

  const get = (query: string) => req({}, '', { method: 'GET', url: `https://hooks.example.com/webhooks/s?${query}`, contentType: '' });

  test('GET hub.challenge with the verify token is answered with the challenge as text', () => {
    const reply = handshake(meta, get(`hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${verifyToken}`));
    expect(reply).toEqual({ status: 200, body: '1158201444', contentType: 'text/plain' });
  });

  test('a forged GET (wrong or missing token, or another mode) is refused', () => {
    expect(reason(() => acceptWebhook(meta, get('hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope'), new Date()))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(meta, get('hub.mode=subscribe&hub.challenge=1'), new Date()))).toBe('missing_signature');
    expect(() => acceptWebhook(meta, get(`hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${verifyToken}`), new Date())).toThrow(BadRequestError);
    const noToken = source({ provider: 'meta', secrets: [secret] });
    expect(reason(() => acceptWebhook(noToken, get('hub.mode=subscribe&hub.challenge=1&hub.verify_token=x'), new Date()))).toBe('no_matching_signature');
  });

  test('verifyToken may be env:VAR', () => {
    process.env.META_VERIFY_TOKEN_TEST = 'from-env';
    const s = source({ provider: 'meta', secrets: [secret], verifyToken: 'env:META_VERIFY_TOKEN_TEST' });
    expect(s.settings.options.verifyToken).toBe('from-env');
  });
});

describe('discord', () => {
  const keys = generateKeyPairSync('ed25519');
  // The application's public key as the Developer Portal shows it: 32 bytes in hex.
  const publicHex = keys.publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('hex');
  const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('hex');
  const discord = source({ provider: 'discord', secrets: [other, publicHex] });
  const now = new Date();
  const ts = String(Math.floor(now.getTime() / 1000));
  const signed = (body: string, at = ts) => req({ 'x-signature-ed25519': sign(null, Buffer.from(at + body), keys.privateKey).toString('hex'), 'x-signature-timestamp': at }, body);

  test('sign() produces what discord-interactions verifyKey() accepts', async () => {
    const sample = discord.provider.sample('interaction', now);
    const out = discord.provider.sign({ ...sample, url: 'u', secret: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, now }, discord.settings.options);
    expect(await verifyKey(out.body, out.headers['x-signature-ed25519'], out.headers['x-signature-timestamp'], publicHex)).toBe(true);
    expect(discord.provider.verify(req(out.headers, out.body), discord.settings, now).secretIndex).toBe(1);
  });

  test('an interaction PING is answered {"type":1}; a Webhook Events PING 204; neither starts anything', () => {
    const ping = JSON.stringify({ id: '1', application_id: '2', type: 1, token: 'tok', version: 1 });
    expect(handshake(discord, signed(ping), now)).toEqual({ status: 200, body: { type: 1 } });
    expect(handshake(discord, signed(JSON.stringify({ version: 1, application_id: '2', type: 0 })), now)).toEqual({ status: 204 });
  });

  test('a forged PING is refused', () => {
    const ping = JSON.stringify({ id: '1', application_id: '2', type: 1, token: 'tok', version: 1 });
    const r = signed(ping);
    expect(reason(() => acceptWebhook(discord, { ...r, rawBody: Buffer.from(ping.replace('tok', 'tak')) }, now))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(discord, req({ 'x-signature-ed25519': 'zz', 'x-signature-timestamp': ts }, ping), now))).toBe('malformed_signature');
  });

  test('an interaction is an event with its ID, answered with a deferred response; a Webhook Event is answered 204', () => {
    const interaction = JSON.stringify({ id: '1234', application_id: '2', type: 2, token: 't', version: 1, data: { name: 'deploy' } });
    const accepted = event(discord, signed(interaction), now);
    expect(accepted.event).toMatchObject({ eventId: '1234', type: 'interaction.2' });
    expect(discord.provider.answer?.({ outcome: 'accepted', workflowId: 's:1234' }, accepted.payload)).toEqual({ status: 200, body: { type: 5 } });
    const webhookEvent = JSON.stringify({ version: 1, application_id: '2', type: 1, event: { type: 'ENTITLEMENT_CREATE', timestamp: now.toISOString(), data: {} } });
    const e = event(discord, signed(webhookEvent), now);
    expect(e.event.type).toBe('ENTITLEMENT_CREATE');
    expect(discord.provider.answer?.({ outcome: 'accepted', workflowId: 'x' }, e.payload)).toEqual({ status: 204 });
  });

  test('a public key that is not Ed25519 is refused at load', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(() => source({ provider: 'discord', secrets: [ec] })).toThrow(/sources\.s\.secrets\.0: not an ed25519 public key/);
  });
});

describe('gitlab', () => {
  const token = random();
  const signingKey = `whsec_${randomBytes(32).toString('base64')}`;
  const gitlab = source({ provider: 'gitlab', secrets: [token, signingKey] });
  const body = JSON.stringify({ object_kind: 'push', ref: 'refs/heads/main' });
  const headers = { 'x-gitlab-event': 'Push Hook', 'idempotency-key': randomUUID(), 'x-gitlab-event-uuid': randomUUID() };

  test('X-Gitlab-Token: accepted with Idempotency-Key as the ID and X-Gitlab-Event as the type', () => {
    const accepted = event(gitlab, req({ ...headers, 'x-gitlab-token': token }, body));
    expect(accepted.event).toMatchObject({ eventId: headers['idempotency-key'], type: 'Push Hook', secretIndex: 0 });
    expect(accepted.event.headers).not.toHaveProperty('x-gitlab-token');
    expect(reason(() => acceptWebhook(gitlab, req({ ...headers, 'x-gitlab-token': 'nope' }, body), new Date()))).toBe('no_matching_signature');
  });

  test('signing mode: a signature from the standardwebhooks library verifies, with the whsec key', () => {
    const now = new Date();
    const id = `msg_${random()}`;
    const signature = new StandardWebhook(signingKey).sign(id, now, body);
    const sigHeaders = { ...headers, 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature };
    expect(event(gitlab, req(sigHeaders, body), now).event.secretIndex).toBe(1);
    // The signature decides when present: a bad one is refused even beside a valid token.
    expect(reason(() => acceptWebhook(gitlab, req({ ...sigHeaders, 'x-gitlab-token': token }, `${body} `), now))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(gitlab, req(sigHeaders, body), new Date(now.getTime() + 301_000)))).toBe('timestamp_too_old');
  });

  test('without Idempotency-Key the event UUID is the ID; without either, 400', () => {
    const { 'idempotency-key': _, ...older } = headers;
    expect(event(gitlab, req({ ...older, 'x-gitlab-token': token }, body)).event.eventId).toBe(headers['x-gitlab-event-uuid']);
    expect(() => acceptWebhook(gitlab, req({ 'x-gitlab-token': token }, body), new Date())).toThrow(BadRequestError);
  });
});

describe('telegram', () => {
  const token = 'A-z0-9_' + random().replace(/[^A-Za-z0-9_-]/g, '');
  const telegram = source({ provider: 'telegram', secrets: [token] });

  test('the secret token header admits an update; ID update_id, type the update kind', () => {
    const body = JSON.stringify({ update_id: 123456789, callback_query: { id: '4382bfdwdsb323b2d9', data: 'approve' } });
    const accepted = event(telegram, req({ 'x-telegram-bot-api-secret-token': token }, body));
    expect(accepted.event).toMatchObject({ eventId: '123456789', type: 'callback_query' });
    expect(reason(() => acceptWebhook(telegram, req({ 'x-telegram-bot-api-secret-token': `${token}x` }, body), new Date()))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(telegram, req({}, body), new Date()))).toBe('missing_signature');
  });
});

describe.each(['clerk', 'resend'])('%s (Svix)', (name) => {
  test('the Svix vector verifies with svix-* headers', () => {
    const s = source({ provider: name, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] });
    const r = req(
      { 'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'svix-timestamp': '1614265330', 'svix-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
      '{"test": 2432232314}',
    );
    expect(s.provider.verify(r, s.settings, new Date(1614265330_000)).secretIndex).toBe(0);
    expect(reason(() => s.provider.verify(r, s.settings, new Date(1614265330_000 + 301_000)))).toBe('timestamp_too_old');
    expect(reason(() => s.provider.verify(r, s.settings, new Date(1614265330_000 - 301_000)))).toBe('timestamp_in_future');
  });

  test('our signature verifies with the svix library, and svix-id is the event ID', () => {
    const key = `whsec_${randomBytes(24).toString('base64')}`;
    const s = source({ provider: name, secrets: [key] });
    const now = new Date();
    const sample = s.provider.sample(undefined, now);
    const out = s.provider.sign({ ...sample, url: 'u', secret: key, now }, s.settings.options);
    expect(() => new SvixWebhook(key).verify(out.body.toString(), out.headers)).not.toThrow();
    const accepted = event(s, req(out.headers, out.body), now);
    expect(accepted.event.eventId).toBe(out.headers['svix-id']);
    expect(accepted.event.type).toBe(JSON.parse(out.body.toString()).type);
  });
});

describe('twitch', () => {
  const secret = random();
  const twitch = source({ provider: 'twitch', secrets: [secret] });
  const now = new Date();
  function signed(type: string, body: string, at = now) {
    const id = randomUUID();
    const timestamp = at.toISOString().replace('Z', '123456Z'); // Twitch sends nanoseconds
    const signature = `sha256=${createHmac('sha256', secret).update(id + timestamp + body).digest('hex')}`;
    return req(
      {
        'twitch-eventsub-message-id': id,
        'twitch-eventsub-message-timestamp': timestamp,
        'twitch-eventsub-message-signature': signature,
        'twitch-eventsub-message-type': type,
        'twitch-eventsub-subscription-type': 'channel.follow',
      },
      body,
    );
  }

  test('webhook_callback_verification is answered with the raw challenge as text/plain after verifying', () => {
    const body = JSON.stringify({ challenge: 'pogchamp-kappa-360noscope-vohiyo', subscription: { type: 'channel.follow' } });
    expect(handshake(twitch, signed('webhook_callback_verification', body), now)).toEqual({
      status: 200,
      body: 'pogchamp-kappa-360noscope-vohiyo',
      contentType: 'text/plain',
    });
    const forged = signed('webhook_callback_verification', body);
    expect(reason(() => acceptWebhook(twitch, { ...forged, rawBody: Buffer.from(body.replace('pog', 'bog')) }, now))).toBe('no_matching_signature');
  });

  test('a notification is an event keyed by Message-Id; a revocation is recorded with its own type', () => {
    const n = signed('notification', JSON.stringify({ subscription: {}, event: { user_id: '1' } }));
    expect(event(twitch, n, now).event).toMatchObject({ eventId: n.headers['twitch-eventsub-message-id'], type: 'channel.follow' });
    const r = signed('revocation', JSON.stringify({ subscription: { status: 'authorization_revoked' } }));
    expect(event(twitch, r, now).event.type).toBe('revocation.channel.follow');
  });

  test('the 10-minute window holds both ways, at ±1 s', () => {
    const body = JSON.stringify({ subscription: {}, event: {} });
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    expect(event(twitch, signed('notification', body), at(599)).event).toBeDefined();
    expect(reason(() => acceptWebhook(twitch, signed('notification', body), at(601)))).toBe('timestamp_too_old');
    expect(reason(() => acceptWebhook(twitch, signed('notification', body), at(-601)))).toBe('timestamp_in_future');
  });
});
