/**
 * Issue #12: microsoft-graph, dropbox, okta, xero, woocommerce, notion, figma, postmark, plaid and
 * paypal, each handshake answered exactly and forged ones refused. (Kept apart from
 * presets-second-batch.test.ts, which covers the other second-batch providers.)
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { SignJWT, exportJWK } from 'jose';
import type { SourceConfig } from '../../../src/config/load-config';
import { BadRequestError, UnsupportedMediaTypeError } from '../../../src/errors/http-errors';
import { acceptWebhook } from '../../../src/receiver/accept-webhook';
import { acceptedEvent as event, handshake, req, source } from '../../harness/preset-request';
import { reason } from '../../harness/signature-reason';

const random = () => randomBytes(24).toString('base64url');

const get = (query: string, headers: Record<string, string> = {}) =>
  req(headers, '', { method: 'GET', url: `https://hooks.example.com/webhooks/s${query}`, contentType: '' });

const hmac = (key: string, body: string, enc: 'hex' | 'base64') => createHmac('sha256', key).update(body).digest(enc);

describe('microsoft-graph', () => {
  const clientState = random();
  const graph = source({ provider: 'microsoft-graph', clientState });
  const notification = (state: string, extra = {}) => ({ subscriptionId: randomUUID(), changeType: 'updated', resource: 'Users/1/Messages/2', clientState: state, ...extra });

  test('POST ?validationToken= is answered 200 text/plain with the token, whatever the body type', () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 0f7e';
    const r = req({}, '', { url: `https://h/webhooks/s?validationToken=${encodeURIComponent(token)}`, contentType: 'text/plain' });
    expect(handshake(graph, r)).toEqual({ status: 200, body: token, contentType: 'text/plain' });
  });

  test('a notification batch whose every item carries the clientState is one event, answered 202', () => {
    const body = JSON.stringify({ value: [notification(clientState), notification(clientState, { changeType: 'created' })] });
    const accepted = event(graph, req({}, body));
    expect(accepted.event).toMatchObject({ type: 'updated', eventId: createHash('sha256').update(body).digest('hex') });
    expect(graph.provider.answer?.({ outcome: 'accepted', workflowId: 'x' }, accepted.payload)).toEqual({ status: 202 });
  });

  test('one item with a wrong or missing clientState refuses the batch; a text/plain notification is 415', () => {
    const forged = JSON.stringify({ value: [notification(clientState), notification('guess')] });
    expect(reason(() => acceptWebhook(graph, req({}, forged), new Date()))).toBe('no_matching_signature');
    const { clientState: _, ...bare } = notification(clientState);
    expect(reason(() => acceptWebhook(graph, req({}, JSON.stringify({ value: [bare] })), new Date()))).toBe('missing_signature');
    expect(reason(() => acceptWebhook(graph, req({}, '{"value":[]}'), new Date()))).toBe('missing_signature');
    expect(() => acceptWebhook(graph, req({}, 'x', { contentType: 'text/plain' }), new Date())).toThrow(UnsupportedMediaTypeError);
  });

  test('clientState is required, secrets are not', () => {
    expect(() => source({ provider: 'microsoft-graph' })).toThrow(/clientState/);
  });
});

describe('dropbox', () => {
  const secret = random();
  const dropbox = source({ provider: 'dropbox', secrets: [secret] });

  test('GET ?challenge= is echoed as text/plain with X-Content-Type-Options: nosniff', () => {
    expect(handshake(dropbox, get('?challenge=abc123'))).toEqual({
      status: 200,
      body: 'abc123',
      contentType: 'text/plain',
      headers: { 'X-Content-Type-Options': 'nosniff' },
    });
    expect(() => acceptWebhook(dropbox, get('?other=1'), new Date())).toThrow(BadRequestError);
  });

  test('a notification signed with the app secret is accepted; a forged one is not', () => {
    const body = JSON.stringify({ list_folder: { accounts: ['dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc'] }, delta: { users: [12345678] } });
    expect(event(dropbox, req({ 'x-dropbox-signature': hmac(secret, body, 'hex') }, body)).event.type).toBe('list_folder');
    expect(reason(() => acceptWebhook(dropbox, req({ 'x-dropbox-signature': hmac('app-secret', body, 'hex') }, body), new Date()))).toBe('no_matching_signature');
  });
});

describe('okta', () => {
  const token = `Bearer ${random()}`;
  const okta = source({ provider: 'okta', secrets: [token] });

  test('the verification GET with the hook auth header is answered {"verification": ...}; without it 401', () => {
    const reply = handshake(okta, get('', { authorization: token, 'x-okta-verification-challenge': 'ch-7' }));
    expect(reply).toEqual({ status: 200, body: { verification: 'ch-7' } });
    expect(reason(() => acceptWebhook(okta, get('', { 'x-okta-verification-challenge': 'ch-7' }), new Date()))).toBe('missing_signature');
    expect(reason(() => acceptWebhook(okta, get('', { authorization: 'Bearer guess', 'x-okta-verification-challenge': 'x' }), new Date()))).toBe('no_matching_signature');
  });

  test('an event hook delivery: ID the first event uuid, type its eventType', () => {
    const body = okta.provider.sample(undefined, new Date()).body;
    const parsed = JSON.parse(body.toString());
    expect(event(okta, req({ authorization: token }, body)).event).toMatchObject({ eventId: parsed.data.events[0].uuid, type: 'user.lifecycle.create' });
  });
});

describe('xero', () => {
  const key = random();
  const xero = source({ provider: 'xero', secrets: [key] });
  const itr = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'S0m3r4Nd0mt3xt' });

  test('intent to receive: signed → 200 with an empty body, unsigned or wrong → 401', () => {
    expect(handshake(xero, req({ 'x-xero-signature': hmac(key, itr, 'base64') }, itr))).toEqual({ status: 200 });
    expect(reason(() => acceptWebhook(xero, req({ 'x-xero-signature': hmac('wrong', itr, 'base64') }, itr), new Date()))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(xero, req({}, itr), new Date()))).toBe('missing_signature');
  });

  test('an event is typed category.type and answered 200 with an empty body', () => {
    const body = xero.provider.sample(undefined, new Date()).body.toString();
    const accepted = event(xero, req({ 'x-xero-signature': hmac(key, body, 'base64') }, body));
    expect(accepted.event.type).toBe('INVOICE.UPDATE');
    expect(xero.provider.answer?.({ outcome: 'accepted', workflowId: 'x' }, accepted.payload)).toEqual({ status: 200 });
  });
});

describe('woocommerce', () => {
  const secret = random();
  const woo = source({ provider: 'woocommerce', secrets: [secret] });

  test('the unsigned webhook_id ping gets 200 and starts nothing; a signed delivery is an event', () => {
    const ping = req({}, 'webhook_id=12', { contentType: 'application/x-www-form-urlencoded' });
    expect(handshake(woo, ping)).toEqual({ status: 200 });
    const body = JSON.stringify({ id: 727, status: 'processing' });
    const headers = { 'x-wc-webhook-signature': hmac(secret, body, 'base64'), 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-delivery-id': 'd1' };
    expect(event(woo, req(headers, body)).event).toMatchObject({ eventId: 'd1', type: 'order.created' });
  });

  test('a ping-shaped body with a forged signature is verified, and refused', () => {
    const r = req({ 'x-wc-webhook-signature': hmac('guess', 'webhook_id=12', 'base64') }, 'webhook_id=12', { contentType: 'application/x-www-form-urlencoded' });
    expect(reason(() => acceptWebhook(woo, r, new Date()))).toBe('no_matching_signature');
  });
});

describe('notion', () => {
  const token = `secret_${random()}`;
  const notion = source({ provider: 'notion', secrets: [token] });

  test('the first unsigned POST with verification_token is answered 200 and hands the token to the log', () => {
    const reply = handshake(notion, req({}, JSON.stringify({ verification_token: token })));
    expect(reply).toEqual({ status: 200, logged: { 'body:verification_token': token } });
  });

  test('events are signed with the token: sha256=<hex>', () => {
    const body = notion.provider.sample(undefined, new Date()).body.toString();
    expect(event(notion, req({ 'x-notion-signature': `sha256=${hmac(token, body, 'hex')}` }, body)).event.type).toBe('page.content_updated');
    expect(reason(() => acceptWebhook(notion, req({ 'x-notion-signature': `sha256=${hmac('x', body, 'hex')}` }, body), new Date()))).toBe('no_matching_signature');
  });
});

describe('figma', () => {
  const passcode = random();
  const figma = source({ provider: 'figma', secrets: [passcode] });

  test('PING with the passcode gets 200 and starts nothing; a wrong passcode 401', () => {
    const ping = JSON.stringify({ event_type: 'PING', passcode, timestamp: '2026-11-23T10:00:00Z', webhook_id: '22' });
    expect(handshake(figma, req({}, ping))).toEqual({ status: 200 });
    expect(reason(() => acceptWebhook(figma, req({}, ping.replace(passcode, 'guess')), new Date()))).toBe('no_matching_signature');
  });
});

describe('postmark', () => {
  test('Basic credentials from users; ID MessageID:RecordType:time', () => {
    const postmark = source({ provider: 'postmark', users: ['hooks:pw-1'] });
    const body = JSON.stringify({ RecordType: 'Bounce', MessageID: 'm-1', BouncedAt: '2026-11-23T10:00:00Z' });
    const auth = `Basic ${Buffer.from('hooks:pw-1').toString('base64')}`;
    expect(event(postmark, req({ authorization: auth }, body)).event).toMatchObject({ eventId: 'm-1:Bounce:2026-11-23T10:00:00Z', type: 'Bounce' });
    expect(reason(() => acceptWebhook(postmark, req({ authorization: `Basic ${Buffer.from('hooks:x').toString('base64')}` }, body), new Date()))).toBe(
      'no_matching_signature',
    );
  });
});

describe('plaid', () => {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = new Date();
  const body = JSON.stringify({ webhook_type: 'TRANSACTIONS', webhook_code: 'SYNC_UPDATES_AVAILABLE', item_id: 'wz666MBjYWTp2PDzzggYhM6oWWmBb' });
  const jwt = (claims: Record<string, unknown>, kid = 'bfbd5111-8e33-4643-8ced-b2e642a72f3c') =>
    new SignJWT({ iat: Math.floor(now.getTime() / 1000), request_body_sha256: createHash('sha256').update(body).digest('hex'), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .sign(keys.privateKey);
  let plaid: SourceConfig;
  beforeAll(async () => {
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'bfbd5111-8e33-4643-8ced-b2e642a72f3c', alg: 'ES256', use: 'sig' };
    plaid = source({ provider: 'plaid', secrets: [JSON.stringify(jwk)] });
  });

  test('a key no ES256 check can use is refused at load', () => {
    expect(() => source({ provider: 'plaid', secrets: ['an-hs256-secret'] })).toThrow(/sources\.s\.secrets\.0: an HS256 secret, which none of ES256 can use/);
  });

  test('a jose-signed Plaid-Verification JWT over the body hash verifies against the pinned JWK', async () => {
    expect(event(plaid, req({ 'plaid-verification': await jwt({}) }, body), now).event.type).toBe('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
  });

  test('a malformed token, a changed body, an iat older than 5 min (± 1 s) and another kid are refused', async () => {
    expect(reason(() => acceptWebhook(plaid, req({ 'plaid-verification': 'x' }, body), now))).toBe('malformed_signature');
    const token = await jwt({});
    expect(reason(() => acceptWebhook(plaid, req({ 'plaid-verification': token }, `${body} `), now))).toBe('body_hash_mismatch');
    const iat = Math.floor(now.getTime() / 1000);
    expect(event(plaid, req({ 'plaid-verification': await jwt({ iat: iat - 299 }) }, body), now)).toBeDefined();
    const old = await jwt({ iat: iat - 301 });
    expect(reason(() => acceptWebhook(plaid, req({ 'plaid-verification': old }, body), now))).toBe('timestamp_too_old');
    const otherKid = await jwt({}, 'another');
    expect(reason(() => acceptWebhook(plaid, req({ 'plaid-verification': otherKid }, body), now))).toBe('no_matching_signature');
  });
});

describe('paypal', () => {
  // A self-signed certificate pinned in the source, as PayPal's would be: no network needed.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paypal-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=messageverificationcerts.paypal.com'], { stdio: 'ignore' });
  const certificate = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  const privateKey = readFileSync(path.join(dir, 'key.pem'), 'utf8');
  const webhookId = '1JE4291016473214C';
  const paypal = source({ provider: 'paypal', webhookId, certificates: [certificate] });
  const now = new Date();
  const body = JSON.stringify({ id: 'WH-2WR32451HC0233532-67976317FL4543714', event_type: 'PAYMENT.CAPTURE.COMPLETED', create_time: now.toISOString() });

  function signed(id = webhookId, at = now, b = body) {
    const transmissionId = randomUUID();
    const time = at.toISOString();
    const message = `${transmissionId}|${time}|${id}|${crc32(Buffer.from(b))}`;
    return req(
      {
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': sign('sha256', Buffer.from(message), privateKey).toString('base64'),
        'paypal-auth-algo': 'SHA256withRSA',
        'paypal-cert-url': 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42',
      },
      b,
    );
  }

  test('SHA256withRSA over id|time|webhookId|crc32 verifies against the pinned certificate', () => {
    expect(event(paypal, signed(), now).event).toMatchObject({ eventId: 'WH-2WR32451HC0233532-67976317FL4543714', type: 'PAYMENT.CAPTURE.COMPLETED' });
  });

  test('another webhook ID, a changed body, and a stale transmission time are refused', () => {
    expect(reason(() => acceptWebhook(paypal, signed('OTHER'), now))).toBe('no_matching_signature');
    const r = signed();
    expect(reason(() => acceptWebhook(paypal, { ...r, rawBody: Buffer.from(`${body} `) }, now))).toBe('no_matching_signature');
    expect(reason(() => acceptWebhook(paypal, signed(webhookId, new Date(now.getTime() - 301_000)), now))).toBe('timestamp_too_old');
  });

  test('a certificate that is not RSA is refused at load, naming it', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(() => source({ provider: 'paypal', webhookId, certificates: [ec] })).toThrow(/certificates\.0/);
  });
});
