import { createHash, createHmac, randomBytes } from 'node:crypto';
import { signRequest, verifyRequest } from '@contentful/node-apps-toolkit';
import Mux from '@mux/mux-node';
import { WebhooksManager } from 'box-node-sdk/lib/managers/webhooks';
import { encodeSignatureHeader, isValidSignature } from '@sanity/webhook';
import fc from 'fast-check';
import { jwtVerify, SignJWT } from 'jose';
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils';
import type { SourceConfig } from '../../../src/config/load-config';
import { SignatureError } from '../../../src/errors/http-errors';
import { parseSignedHeaders } from '../../../src/providers/contentful';
import { personaPairs } from '../../../src/providers/persona';
import type { WebhookRequest } from '../../../src/providers/types';
import { acceptWebhook } from '../../../src/receiver/accept-webhook';
import { acceptedEvent, handshake, req, source } from '../../harness/preset-request';
import { reason } from '../../harness/signature-reason';

/**
 * Issue #12's second batch: each provider verified against its spec with signatures computed
 * here from the spec (not by our signer), the provider's own library where one signs or
 * verifies (razorpay, @mux/mux-node, @sanity/webhook, @contentful/node-apps-toolkit, jose for
 * Netlify's JWS), the PROVIDERS.md vector, and fast-check on the new header parsers.
 */
const random = () => randomBytes(24).toString('base64url');
const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const shift = (d: Date, s: number) => new Date(d.getTime() + s * 1000);



const event = (s: SourceConfig, r: WebhookRequest, now = new Date()) => acceptedEvent(s, r, now).event;


const verifies = (s: SourceConfig, r: WebhookRequest, now = new Date()) => s.provider.verify(r, s.settings, now).secretIndex;
const digest = (alg: 'sha1' | 'sha256', key: string, content: string | Buffer, enc: 'hex' | 'base64' | 'base64url') => createHmac(alg, key).update(content).digest(enc);

/**
 * Providers that sign the body alone: the header, its prefix and encoding, as each spec says;
 * a body of the provider's shape with the headers it sends, and the ID and type the spec names.
 */
interface BodyCase {
  readonly header: string;
  readonly alg: 'sha1' | 'sha256';
  readonly enc: 'hex' | 'base64';
  readonly prefix: string;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly id: string;
  readonly type: string;
}

const bodyCases: Record<string, BodyCase> = {
  bitbucket: { header: 'x-hub-signature', alg: 'sha256', enc: 'hex', prefix: 'sha256=', body: { push: {} }, headers: { 'x-event-key': 'repo:push', 'x-request-uuid': 'b7f4a2c1-0000-4000-8000-000000000001' }, id: 'b7f4a2c1-0000-4000-8000-000000000001', type: 'repo:push' },
  atlassian: { header: 'x-hub-signature', alg: 'sha256', enc: 'hex', prefix: 'sha256=', body: { webhookEvent: 'jira:issue_updated', timestamp: 1 }, headers: { 'x-atlassian-webhook-identifier': '4242' }, id: '4242', type: 'jira:issue_updated' },
  intercom: { header: 'x-hub-signature', alg: 'sha1', enc: 'hex', prefix: 'sha1=', body: { type: 'notification_event', id: 'notif_1', topic: 'user.created' }, id: 'notif_1', type: 'user.created' },
  razorpay: { header: 'x-razorpay-signature', alg: 'sha256', enc: 'hex', prefix: '', body: { entity: 'event', event: 'payment.captured' }, headers: { 'x-razorpay-event-id': 'KxYz123' }, id: 'KxYz123', type: 'payment.captured' },
  typeform: { header: 'typeform-signature', alg: 'sha256', enc: 'base64', prefix: 'sha256=', body: { event_id: '01HX', event_type: 'form_response' }, id: '01HX', type: 'form_response' },
  vercel: { header: 'x-vercel-signature', alg: 'sha1', enc: 'hex', prefix: '', body: { id: 'evt_v1', type: 'deployment.created', createdAt: 1 }, id: 'evt_v1', type: 'deployment.created' },
  sentry: { header: 'sentry-hook-signature', alg: 'sha256', enc: 'hex', prefix: '', body: { action: 'resolved' }, headers: { 'request-id': 'req-1', 'sentry-hook-resource': 'issue' }, id: 'req-1', type: 'issue.resolved' },
  lemonsqueezy: {
    header: 'x-signature', alg: 'sha256', enc: 'hex', prefix: '',
    body: { meta: { event_name: 'subscription_updated' }, data: { type: 'subscriptions', id: '9', attributes: { updated_at: '2026-11-23T10:00:00.000000Z' } } },
    id: 'subscription_updated:subscriptions:9:2026-11-23T10:00:00.000000Z', type: 'subscription_updated',
  },
  pagerduty: { header: 'x-pagerduty-signature', alg: 'sha256', enc: 'hex', prefix: 'v1=', body: { event: { id: '01DEN', event_type: 'incident.triggered' } }, id: '01DEN', type: 'incident.triggered' },
  segment: { header: 'x-signature', alg: 'sha1', enc: 'hex', prefix: '', body: { type: 'track', messageId: 'ajs-1', event: 'Signed Up' }, id: 'ajs-1', type: 'track' },
  'coinbase-commerce': { header: 'x-cc-webhook-signature', alg: 'sha256', enc: 'hex', prefix: '', body: { id: 7, event: { id: 'e-uuid', type: 'charge:confirmed' } }, id: 'e-uuid', type: 'charge:confirmed' },
  docusign: {
    header: 'x-docusign-signature-1', alg: 'sha256', enc: 'base64', prefix: '',
    body: { event: 'envelope-sent', generatedDateTime: '2026-11-23T10:00:00.000Z', data: { envelopeId: 'env-1' } },
    id: 'env-1:envelope-sent:2026-11-23T10:00:00.000Z', type: 'envelope-sent',
  },
};

describe.each(Object.keys(bodyCases))('%s (HMAC of the body)', (name) => {
  const c = bodyCases[name];
  const secret = random();
  const s = source({ provider: name, secrets: [random(), secret] });
  const body = JSON.stringify(c.body);
  const signed = (key = secret, b = body) => req({ ...c.headers, [c.header]: `${c.prefix}${digest(c.alg, key, b, c.enc)}` }, b);

  test('a delivery signed as the spec says verifies with the rotated secret, with the spec\'s ID and type', () => {
    expect(verifies(s, signed())).toBe(1);
    expect(event(s, signed())).toMatchObject({ eventId: c.id, type: c.type, secretIndex: 1 });
  });

  test('tampered body and wrong secret: no_matching_signature', () => {
    expect(reason(() => verifies(s, { ...signed(), rawBody: Buffer.from(`${body} `) }))).toBe('no_matching_signature');
    expect(reason(() => verifies(s, signed(random())))).toBe('no_matching_signature');
  });

  test('malformed headers: missing_signature or malformed_signature', () => {
    expect(reason(() => verifies(s, req({ ...c.headers }, body)))).toBe('missing_signature');
    expect(reason(() => verifies(s, req({ ...c.headers, [c.header]: '' }, body)))).toBe('missing_signature');
    expect(reason(() => verifies(s, req({ ...c.headers, [c.header]: `${c.prefix}%%not-a-digest%%` }, body)))).toBe('malformed_signature');
    const truncated = digest(c.alg, secret, body, c.enc).slice(0, 10);
    expect(reason(() => verifies(s, req({ ...c.headers, [c.header]: `${c.prefix}${truncated}` }, body)))).toBe('malformed_signature');
    if (c.prefix) expect(reason(() => verifies(s, req({ ...c.headers, [c.header]: digest(c.alg, secret, body, c.enc) }, body)))).toBe('malformed_signature');
  });

  test('sign(sample) is what the spec describes', () => {
    const sample = s.provider.sample(undefined, new Date());
    const out = s.provider.sign({ ...sample, url: 'https://hooks.example.com/webhooks/s', secret, now: new Date() }, s.settings.options);
    expect(out.headers[c.header]).toBe(`${c.prefix}${digest(c.alg, secret, out.body, c.enc)}`);
  });
});

describe('the PROVIDERS.md vector and the providers\' own libraries', () => {
  test('Bitbucket: It\'s a Secret to Everybody / Hello World! (Bitbucket\'s docs)', () => {
    const s = source({ provider: 'bitbucket', secrets: ["It's a Secret to Everybody"] });
    const r = req({ 'x-hub-signature': 'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9' }, 'Hello World!');
    expect(verifies(s, r)).toBe(0);
  });

  test('razorpay: validateWebhookSignature accepts what sign() sends, and verify() what it accepts', () => {
    const secret = random();
    const s = source({ provider: 'razorpay', secrets: [secret] });
    const sample = s.provider.sample(undefined, new Date());
    const out = s.provider.sign({ ...sample, url: 'u', secret, now: new Date() }, s.settings.options);
    expect(validateWebhookSignature(out.body.toString(), out.headers['x-razorpay-signature'], secret)).toBe(true);
    expect(validateWebhookSignature(out.body.toString(), out.headers['x-razorpay-signature'], random())).toBe(false);
    expect(verifies(s, req(out.headers, out.body))).toBe(0);
  });

  test('mux: @mux/mux-node webhooks.verifySignature accepts what sign() sends; a wrong secret it refuses', async () => {
    const secret = random();
    const s = source({ provider: 'mux', secrets: [secret] });
    const now = new Date();
    const sample = s.provider.sample(undefined, now);
    const out = s.provider.sign({ ...sample, url: 'u', secret, now }, s.settings.options);
    const mux = new Mux({ tokenId: 'id', tokenSecret: 'secret' });
    await expect(mux.webhooks.verifySignature(out.body.toString(), out.headers, secret)).resolves.toBeUndefined();
    await expect(mux.webhooks.verifySignature(out.body.toString(), out.headers, random())).rejects.toThrow();
    expect(verifies(s, req(out.headers, out.body), now)).toBe(0);
  });

  test('sanity: encodeSignatureHeader output verifies; isValidSignature accepts what sign() sends', async () => {
    const secret = random();
    const s = source({ provider: 'sanity', secrets: [random(), secret] });
    const now = new Date();
    const body = JSON.stringify({ _id: 'p1', _type: 'post', title: 'ünïcode ✓' });
    const header = await encodeSignatureHeader(body, now.getTime(), secret);
    const r = req({ 'sanity-webhook-signature': header, 'idempotency-key': 'idem_1', 'sanity-operation': 'create' }, body);
    expect(verifies(s, r, now)).toBe(1);
    expect(event(s, r, now)).toMatchObject({ eventId: 'idem_1', type: 'post.create' });
    const out = s.provider.sign({ body: Buffer.from(body), contentType: 'application/json', url: 'u', secret, now }, s.settings.options);
    expect(await isValidSignature(body, out.headers['sanity-webhook-signature'], secret)).toBe(true);
    expect(await isValidSignature(body, out.headers['sanity-webhook-signature'], random())).toBe(false);
  });

  test('contentful: signRequest output verifies; verifyRequest accepts what sign() sends', () => {
    const secret = randomBytes(32).toString('hex'); // Contentful's secrets are 64 characters
    const s = source({ provider: 'contentful', secrets: [randomBytes(32).toString('hex'), secret] });
    const now = new Date();
    const body = JSON.stringify({ sys: { id: 'e1', type: 'Entry', version: 3 } });
    const headers = { 'x-contentful-topic': 'ContentManagement.Entry.publish', 'x-contentful-idempotency-key': 'a'.repeat(64), 'Content-Type': 'application/vnd.contentful.management.v1+json' };
    const signature = signRequest(secret, { method: 'POST', path: '/webhooks/s?a=1&b=two words', headers, body }, now.getTime());
    const r = req({ ...headers, ...signature }, body, { url: 'https://hooks.example.com/webhooks/s?a=1&b=two words', contentType: 'application/vnd.contentful.management.v1+json' });
    expect(verifies(s, r, now)).toBe(1);
    expect(event(s, r, now)).toMatchObject({ eventId: 'a'.repeat(64), type: 'ContentManagement.Entry.publish' });
    // A signed header changed, a header removed from the list, another path: each breaks it.
    expect(reason(() => verifies(s, { ...r, headers: { ...r.headers, 'x-contentful-topic': 'ContentManagement.Entry.delete' } }, now))).toBe('no_matching_signature');
    expect(reason(() => verifies(s, { ...r, url: 'https://hooks.example.com/webhooks/other' }, now))).toBe('no_matching_signature');
    expect(reason(() => verifies(s, { ...r, method: 'PUT' }, now))).toBe('no_matching_signature');

    const out = s.provider.sign({ body: Buffer.from(body), contentType: 'application/json', url: 'https://hooks.example.com/webhooks/s', secret, now }, s.settings.options);
    expect(out.contentType).toBe('application/vnd.contentful.management.v1+json');
    expect(verifyRequest(secret, { method: 'POST', path: '/webhooks/s', headers: out.headers, body }, 0)).toBe(true);
    expect(verifyRequest(randomBytes(32).toString('hex'), { method: 'POST', path: '/webhooks/s', headers: out.headers, body }, 0)).toBe(false);
  });

  test('contentful: a configured public url replaces the path the receiver sees (a proxy rewrote it)', () => {
    const secret = randomBytes(32).toString('hex');
    const s = source({ provider: 'contentful', secrets: [secret], url: 'https://cms-hooks.example.com/contentful' });
    const now = new Date();
    const body = '{"sys":{"id":"x"}}';
    const signature = signRequest(secret, { method: 'POST', path: '/contentful', headers: {}, body }, now.getTime());
    expect(verifies(s, req(signature, body, { url: 'http://10.0.0.5:3000/webhooks/s' }), now)).toBe(0);
  });

  test('box: box-node-sdk WebhooksManager.validateMessage accepts what sign() sends, with the primary or the secondary key', async () => {
    const [primary, secondary] = [random(), random()];
    const s = source({ provider: 'box', secrets: [primary] });
    const now = new Date();
    const sample = s.provider.sample(undefined, now);
    const out = s.provider.sign({ ...sample, url: 'u', secret: primary, now }, s.settings.options);
    expect(out.headers).toMatchObject({ 'box-signature-version': '1', 'box-signature-algorithm': 'HmacSHA256' });
    expect(await WebhooksManager.validateMessage(out.body.toString(), out.headers, primary)).toBe(true);
    expect(await WebhooksManager.validateMessage(out.body.toString(), out.headers, random())).toBe(false);
    // Signed with the secondary key, Box's secondary header: the SDK and hookflow both accept it.
    const second = s.provider.sign({ ...sample, url: 'u', secret: secondary, now }, s.settings.options);
    const asSecondary = { ...second.headers, 'box-signature-primary': out.headers['box-signature-primary'], 'box-signature-secondary': second.headers['box-signature-primary'] };
    expect(await WebhooksManager.validateMessage(second.body.toString(), asSecondary, random(), { secondaryKey: secondary })).toBe(true);
    expect(verifies(source({ provider: 'box', secrets: [random(), secondary] }), req(asSecondary, second.body), now)).toBe(1);
  });

  test('netlify: a JWS made with jose (iss netlify, sha256 of the body) verifies; jose verifies what sign() sends', async () => {
    const secret = random();
    const s = source({ provider: 'netlify', secrets: [random(), secret] });
    const body = JSON.stringify({ id: 'd1', state: 'building' });
    const sha256 = createHash('sha256').update(body).digest('hex');
    const jws = async (claims: Record<string, unknown>, key = secret) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(key));
    const token = await jws({ iss: 'netlify', sha256 });
    expect(verifies(s, req({ 'x-webhook-signature': token }, body))).toBe(1);
    expect(event(s, req({ 'x-webhook-signature': token }, body))).toMatchObject({ eventId: 'd1:building', type: 'building' });
    expect(reason(() => verifies(s, req({ 'x-webhook-signature': token }, `${body} `)))).not.toBe('verified');
    const [foreign, wrongKey] = [await jws({ iss: 'someone-else', sha256 }), await jws({ iss: 'netlify', sha256 }, random())];
    expect(reason(() => verifies(s, req({ 'x-webhook-signature': foreign }, body)))).not.toBe('verified');
    expect(reason(() => verifies(s, req({ 'x-webhook-signature': wrongKey }, body)))).toBe('no_matching_signature');
    expect(reason(() => verifies(s, req({ 'x-webhook-signature': 'not.a.jws' }, body)))).toBe('malformed_signature');
    expect(reason(() => verifies(s, req({}, body)))).toBe('missing_signature');

    const out = s.provider.sign({ body: Buffer.from(body), contentType: 'application/json', url: 'u', secret, now: new Date() }, s.settings.options);
    const { payload, protectedHeader } = await jwtVerify(out.headers['x-webhook-signature'], new TextEncoder().encode(secret), { issuer: 'netlify' });
    expect([protectedHeader.alg, payload]).toEqual(['HS256', { iss: 'netlify', sha256 }]);
  });
});

/**
 * Timestamped providers: how each signs `(timestamp, body)` per its spec, and its tolerance.
 * `at` is the time the signature claims; checked at tolerance ± 1 s both ways.
 */
interface TimedCase {
  readonly tolerance: number;
  readonly headers: (key: string, body: string, at: Date) => Record<string, string>;
  /** The same headers with the timestamp text replaced. */
  readonly withTimestamp: (key: string, body: string, text: string) => Record<string, string>;
  readonly malformed: Record<string, string>;
}

const kv = (header: string, unitMs: boolean, enc: 'hex' | 'base64url') => ({
  headers: (key: string, body: string, at: Date) => {
    const t = String(unitMs ? at.getTime() : unix(at));
    return { [header]: `t=${t},v1=${digest('sha256', key, `${t}.${body}`, enc)}` };
  },
  withTimestamp: (key: string, body: string, t: string) => ({ [header]: `t=${t},v1=${digest('sha256', key, `${t}.${body}`, enc)}` }),
  malformed: { [header]: 't=1,v9=abc' },
});

const timedCases: Record<string, TimedCase> = {
  zendesk: {
    tolerance: 300,
    headers: (key, body, at) => ({ 'x-zendesk-webhook-signature-timestamp': at.toISOString(), 'x-zendesk-webhook-signature': digest('sha256', key, at.toISOString() + body, 'base64') }),
    withTimestamp: (key, body, t) => ({ 'x-zendesk-webhook-signature-timestamp': t, 'x-zendesk-webhook-signature': digest('sha256', key, t + body, 'base64') }),
    malformed: { 'x-zendesk-webhook-signature-timestamp': new Date().toISOString(), 'x-zendesk-webhook-signature': '***' },
  },
  calendly: { tolerance: 180, ...kv('calendly-webhook-signature', false, 'hex') },
  mux: { tolerance: 300, ...kv('mux-signature', false, 'hex') },
  sanity: { tolerance: 300, ...kv('sanity-webhook-signature', true, 'base64url') },
  persona: { tolerance: 300, ...kv('persona-signature', false, 'hex') },
  box: {
    tolerance: 600,
    headers: (key, body, at) => ({ 'box-delivery-timestamp': at.toISOString(), 'box-signature-primary': digest('sha256', key, body + at.toISOString(), 'base64') }),
    withTimestamp: (key, body, t) => ({ 'box-delivery-timestamp': t, 'box-signature-primary': digest('sha256', key, body + t, 'base64') }),
    malformed: { 'box-delivery-timestamp': new Date().toISOString(), 'box-signature-primary': '@@@' },
  },
  contentful: {
    tolerance: 30,
    headers: (key, body, at) => signRequest(key, { method: 'POST', path: '/webhooks/s', headers: {}, body }, at.getTime()) as Record<string, string>,
    withTimestamp: (key, body, t) => {
      const signed = signRequest(key, { method: 'POST', path: '/webhooks/s', headers: {}, body }, Date.now()) as Record<string, string>;
      return { ...signed, 'x-contentful-timestamp': t };
    },
    malformed: { 'x-contentful-signature': 'xyz', 'x-contentful-signed-headers': 'x-contentful-signed-headers,x-contentful-timestamp', 'x-contentful-timestamp': String(Date.now()) },
  },
};

describe.each(Object.keys(timedCases))('%s (signed timestamp)', (name) => {
  const c = timedCases[name];
  // Contentful's secrets are 64 characters; the toolkit refuses others.
  const key = () => (name === 'contentful' ? randomBytes(32).toString('hex') : random());
  const [secret, other] = [key(), key()];
  const s = source({ provider: name, secrets: [other, secret] });
  const body = JSON.stringify({ id: 'x', data: { id: 'evt_1', attributes: { name: 'inquiry.completed' } } });
  const now = new Date('2026-11-23T10:00:00.000Z');

  test(`the tolerance is ${c.tolerance} s`, () => {
    expect(s.settings.toleranceSeconds).toBe(c.tolerance);
  });

  test('signed as the spec says, it verifies with the rotated secret', () => {
    expect(verifies(s, req(c.headers(secret, body, now), body), now)).toBe(1);
  });

  test('stale and future by tolerance + 1 s fail; tolerance - 1 s passes', () => {
    const r = req(c.headers(secret, body, now), body);
    expect(reason(() => verifies(s, r, shift(now, c.tolerance + 1)))).toBe('timestamp_too_old');
    expect(reason(() => verifies(s, r, shift(now, -c.tolerance - 1)))).toBe('timestamp_in_future');
    expect(verifies(s, r, shift(now, c.tolerance - 1))).toBe(1);
    expect(verifies(s, r, shift(now, -c.tolerance + 1))).toBe(1);
  });

  test('tampered body, wrong secret: no_matching_signature', () => {
    const r = req(c.headers(secret, body, now), body);
    expect(reason(() => verifies(s, { ...r, rawBody: Buffer.from(`${body} `) }, now))).toBe('no_matching_signature');
    expect(reason(() => verifies(s, req(c.headers(key(), body, now), body), now))).toBe('no_matching_signature');
  });

  test('malformed signature, malformed or missing timestamp, no headers: each its reason', () => {
    expect(reason(() => verifies(s, req(c.malformed, body), now))).toBe('malformed_signature');
    expect(reason(() => verifies(s, req(c.withTimestamp(secret, body, 'yesterday'), body), now))).toBe('malformed_timestamp');
    const noTimestamp = Object.fromEntries(Object.entries(c.headers(secret, body, now)).filter(([k]) => !/timestamp/.test(k)).map(([k, v]) => [k, v.replace(/^t=\d+,/, '')]));
    expect(reason(() => verifies(s, req(noTimestamp, body), now))).toBe('missing_timestamp');
    expect(reason(() => verifies(s, req({}, body), now))).toBe('missing_signature');
  });
});

describe('providers special in their headers', () => {
  test('persona: during rotation each secret signs its own space-separated pair; any one verifies', () => {
    const [oldKey, newKey] = [random(), random()];
    const s = source({ provider: 'persona', secrets: [newKey] });
    const now = new Date();
    const body = JSON.stringify({ data: { id: 'evt_9', attributes: { name: 'inquiry.approved' } } });
    const t = String(unix(now));
    const pair = (key: string, at = t) => `t=${at},v1=${digest('sha256', key, `${at}.${body}`, 'hex')}`;
    expect(verifies(s, req({ 'persona-signature': `${pair(oldKey)} ${pair(newKey)}` }, body), now)).toBe(0);
    expect(verifies(s, req({ 'persona-signature': `${pair(newKey)} ${pair(oldKey)}` }, body), now)).toBe(0);
    expect(event(s, req({ 'persona-signature': pair(newKey) }, body), now)).toMatchObject({ eventId: 'evt_9', type: 'inquiry.approved' });
    // Each pair is checked with its own timestamp: a fresh signature does not lend its time to a stale one.
    expect(reason(() => verifies(s, req({ 'persona-signature': `${pair(oldKey)} ${pair(newKey, String(unix(now) - 3600))}` }, body), now))).toBe('no_matching_signature');
    expect(reason(() => verifies(s, req({ 'persona-signature': Array(9).fill(pair(newKey)).join(' ') }, body), now))).toBe('malformed_signature');
  });

  test('box: the secondary key verifies the secondary signature (key rotation); the body id is the event ID', () => {
    const [primary, secondary] = [random(), random()];
    const s = source({ provider: 'box', secrets: [primary, secondary] });
    const now = new Date();
    const ts = now.toISOString();
    const body = JSON.stringify({ type: 'webhook_event', id: 'be-1', trigger: 'FILE.DELETED' });
    const sig = (key: string) => digest('sha256', key, body + ts, 'base64');
    const r = req({ 'box-delivery-timestamp': ts, 'box-signature-primary': sig(random()), 'box-signature-secondary': sig(secondary), 'box-delivery-id': 'd-2' }, body);
    expect(verifies(s, r, now)).toBe(1);
    expect(event(s, r, now)).toMatchObject({ eventId: 'be-1', type: 'FILE.DELETED' });
    // The joined header is made from Box's headers only: a sender cannot supply it.
    expect(reason(() => verifies(s, req({ 'box-delivery-timestamp': ts, 'box-signature': sig(primary) }, body), now))).toBe('missing_signature');
  });

  test('docusign: with several Connect keys, any X-DocuSign-Signature-N matching any key verifies', () => {
    const [k1, k2] = [random(), random()];
    const s = source({ provider: 'docusign', secrets: [k2] });
    const body = '{"event":"envelope-completed","generatedDateTime":"2026-01-01T00:00:00Z","data":{"envelopeId":"e"}}';
    const sig = (key: string) => digest('sha256', key, body, 'base64');
    expect(verifies(s, req({ 'x-docusign-signature-1': sig(k1), 'x-docusign-signature-2': sig(k2) }, body))).toBe(0);
    expect(reason(() => verifies(s, req({ 'x-docusign-signature-1': sig(k1) }, body)))).toBe('no_matching_signature');
    expect(s.provider.secretHeaders(s.settings.options)).toEqual(expect.arrayContaining(['x-docusign-signature-1', 'x-docusign-signature-100']));
  });

  test('cloudflare: cf-webhook-auth must equal a secret; the test message on save is answered without an event', () => {
    const secret = random();
    const s = source({ provider: 'cloudflare', secrets: [random(), secret] });
    const body = JSON.stringify({ alert_type: 'universal_ssl_event_type', text: 'cert renewed', ts: 1 });
    expect(event(s, req({ 'cf-webhook-auth': secret }, body))).toMatchObject({ type: 'universal_ssl_event_type', secretIndex: 1, eventId: createHash('sha256').update(body).digest('hex') });
    expect(reason(() => verifies(s, req({ 'cf-webhook-auth': random() }, body)))).toBe('no_matching_signature');
    expect(reason(() => verifies(s, req({}, body)))).toBe('missing_signature');
    expect(handshake(s, req({ 'cf-webhook-auth': secret }, '{"text":"Hello World! This is a test message"}'))).toEqual({ status: 200, body: { status: 'ok' } });
    expect(reason(() => acceptWebhook(s, req({ 'cf-webhook-auth': 'x' }, '{"text":"Hello World!"}'), new Date()))).toBe('no_matching_signature');
  });

  test('intercom: the signed ping is answered 200 without an event; an unsigned one is refused', () => {
    const secret = random();
    const s = source({ provider: 'intercom', secrets: [secret] });
    const body = JSON.stringify({ type: 'notification_event', id: 'notif_p', topic: 'ping' });
    expect(handshake(s, req({ 'x-hub-signature': `sha1=${digest('sha1', secret, body, 'hex')}` }, body))).toEqual({ status: 200, body: { status: 'pong' } });
    expect(reason(() => acceptWebhook(s, req({}, body), new Date()))).toBe('missing_signature');
  });

  test.each(['intercom', 'cloudflare'])('%s: hookflow send --handshake sends what the receiver answers as the provider expects', (name) => {
    const secret = random();
    const s = source({ provider: name, secrets: [secret] });
    const request = s.provider.handshakeRequest!(s.settings.options, secret, new Date());
    const r = req(request.headers, request.body ?? Buffer.alloc(0), { method: request.method });
    expect(handshake(s, r).status).toBe(request.expect.status);
    expect(reason(() => acceptWebhook(source({ provider: name, secrets: [random()] }), r, new Date()))).toBe('no_matching_signature');
  });

  test('segment: a batch is one event, its ID the body hash, its type batch', () => {
    const secret = random();
    const s = source({ provider: 'segment', secrets: [secret] });
    const body = JSON.stringify([{ type: 'track', messageId: 'a' }, { type: 'page', messageId: 'b' }]);
    const e = event(s, req({ 'x-signature': digest('sha1', secret, body, 'hex') }, body));
    expect(e).toMatchObject({ type: 'batch', eventId: createHash('sha256').update(body).digest('hex') });
  });

  test('sentry: the unsigned Sentry-Hook-Timestamp is not a freshness check (a day later still verifies)', () => {
    const secret = random();
    const s = source({ provider: 'sentry', secrets: [secret] });
    const body = '{"action":"created"}';
    const r = req({ 'sentry-hook-signature': digest('sha256', secret, body, 'hex'), 'sentry-hook-timestamp': '1', 'request-id': 'r' }, body);
    expect(verifies(s, r, shift(new Date(), 86_400))).toBe(0);
  });
});

describe('fast-check: the new header parsers never throw anything but SignatureError, never verify without the key', () => {
  const secret = random();
  const hexa = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength, maxLength });
  const only = (fn: () => unknown) => {
    try {
      fn();
      return 'verified';
    } catch (error) {
      if (error instanceof SignatureError) return error.reason;
      throw error;
    }
  };

  test('persona: a header of separators only is a malformed signature, not a throw of nothing (a CI seed drew `,`)', () => {
    const s = source({ provider: 'persona', secrets: [secret] });
    for (const header of [',', ' , ', ', ,']) {
      expect(only(() => personaPairs(header))).toBe('malformed_signature');
      expect(only(() => verifies(s, req({ 'persona-signature': header }, '{}')))).toBe('malformed_signature');
    }
  });

  test('persona: random Persona-Signature headers', () => {
    const s = source({ provider: 'persona', secrets: [secret] });
    const pairish = fc.oneof(fc.string(), fc.tuple(fc.integer({ min: 0, max: 2e9 }), hexa(0, 70)).map(([t, v]) => `t=${t},v1=${v}`));
    fc.assert(
      fc.property(fc.array(pairish, { maxLength: 12 }).map((parts) => parts.join(' ')), fc.string(), (header, body) => {
        expect(only(() => personaPairs(header))).not.toBe('crash');
        expect(only(() => verifies(s, req({ 'persona-signature': header }, body)))).not.toBe('verified');
      }),
    );
  });

  test('contentful: random signed-headers lists and signature headers', () => {
    const s = source({ provider: 'contentful', secrets: [randomBytes(32).toString('hex')] });
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.string(), hexa(64, 64)), fc.oneof(fc.string(), fc.constant(String(Date.now()))), (list, signature, ts) => {
        expect(only(() => parseSignedHeaders(list))).not.toBe('crash');
        const headers = { 'x-contentful-signed-headers': list, 'x-contentful-signature': signature, 'x-contentful-timestamp': ts };
        expect(only(() => verifies(s, req(headers, '{}')))).not.toBe('verified');
      }),
    );
  });

  test('box and docusign: random values in every signature header', () => {
    const box = source({ provider: 'box', secrets: [secret] });
    const docusign = source({ provider: 'docusign', secrets: [secret] });
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, ts) => {
        expect(only(() => verifies(box, req({ 'box-signature-primary': a, 'box-signature-secondary': b, 'box-delivery-timestamp': ts }, '{}')))).not.toBe('verified');
        expect(only(() => verifies(docusign, req({ 'x-docusign-signature-1': a, 'x-docusign-signature-7': b }, '{}')))).not.toBe('verified');
      }),
    );
  });
});

// Found by the fast-check property above: a signed-headers list naming `__proto__` read
// Object.prototype as a header value and threw a TypeError (a 500 at the receiver).
test('contentful: a signed-headers list naming __proto__ or constructor is a signature failure, never a crash', () => {
  const s = source({ provider: 'contentful', secrets: [randomBytes(32).toString('hex')] });
  for (const list of ['__proto__', 'constructor', 'x-a,__proto__']) {
    const headers = { 'x-contentful-signed-headers': list, 'x-contentful-signature': '0'.repeat(64), 'x-contentful-timestamp': String(Date.now()) };
    const error = (() => {
      try {
        s.provider.verify(req(headers, '{}'), s.settings, new Date());
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SignatureError);
  }
});
