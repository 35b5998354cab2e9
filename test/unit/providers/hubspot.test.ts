import { randomBytes } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import { hubspotOptions, hubspotProvider } from '../../../src/providers/hubspot';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const v1Body =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const settings = (secrets = [secret], options: Record<string, unknown> = {}) => ({ secrets, toleranceSeconds: 300, options: hubspotOptions.parse(options) });
const req = (headers: Record<string, string>, body: string, extra: Partial<WebhookRequest> = {}): WebhookRequest => ({
  rawBody: Buffer.from(body),
  headers,
  url: 'https://www.example.com/webhook_uri',
  contentType: 'application/json',
  method: 'POST',
  ...extra,
});

describe('hubspot provider', () => {
  test('the PROVIDERS.md v1 and v2 vectors verify', () => {
    const v1 = req({ 'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de', 'x-hubspot-signature-version': 'v1' }, v1Body);
    expect(hubspotProvider.verify(v1, settings(['other', secret]), new Date()).secretIndex).toBe(1);
    const v2 = req({ 'x-hubspot-signature': 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e', 'x-hubspot-signature-version': 'v2' }, '', { method: 'GET' });
    expect(hubspotProvider.verify(v2, settings(), new Date()).secretIndex).toBe(0);
  });

  test("v3: our signature is one @hubspot/api-client's Signature.isValid accepts, and theirs verifies here", () => {
    const now = new Date();
    const key = randomBytes(18).toString('hex');
    const url = 'https://hooks.example.com/webhooks/hubspot';
    const signed = hubspotProvider.sign({ ...hubspotProvider.sample(undefined, now), url, secret: key, now }, hubspotOptions.parse({}));
    const timestamp = Number(signed.headers['x-hubspot-request-timestamp']);
    expect(
      Signature.isValid({ signatureVersion: 'v3', signature: signed.headers['x-hubspot-signature-v3'], clientSecret: key, requestBody: signed.body.toString(), url, method: 'POST', timestamp }),
    ).toBe(true);
    const theirs = Signature.getSignature('POST', 'v3', { signature: '', clientSecret: key, requestBody: v1Body, url, timestamp });
    const r = req({ 'x-hubspot-signature-v3': theirs, 'x-hubspot-request-timestamp': String(timestamp) }, v1Body, { url });
    expect(hubspotProvider.verify(r, settings([key]), now).secretIndex).toBe(0);
  });

  test('v3 signs the URI with its escapes decoded; the url option names the public URL', () => {
    const now = new Date();
    const timestamp = String(now.getTime());
    const decoded = 'https://hooks.example.com/webhooks/hubspot?portal=a:b@c';
    const signature = Signature.getSignature('POST', 'v3', { signature: '', clientSecret: secret, requestBody: v1Body, url: decoded, timestamp: Number(timestamp) });
    const r = req({ 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp }, v1Body, { url: 'http://10.0.0.5:3000/webhooks/hubspot?portal=a%3Ab%40c' });
    expect(reason(() => hubspotProvider.verify(r, settings(), now))).toBe('no_matching_signature');
    expect(hubspotProvider.verify(r, settings([secret], { url: 'https://hooks.example.com/webhooks/hubspot' }), now).secretIndex).toBe(0);
  });

  test('v3 window: 5 minutes both ways at ±1 s; v3 present decides even beside a valid v1', () => {
    const now = new Date();
    const url = 'https://www.example.com/webhook_uri';
    const at = (s: number) => {
      const timestamp = now.getTime() + s * 1000;
      const signature = Signature.getSignature('POST', 'v3', { signature: '', clientSecret: secret, requestBody: v1Body, url, timestamp });
      return req({ 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) }, v1Body);
    };
    expect(hubspotProvider.verify(at(-299), settings(), now).secretIndex).toBe(0);
    expect(reason(() => hubspotProvider.verify(at(-301), settings(), now))).toBe('timestamp_too_old');
    expect(reason(() => hubspotProvider.verify(at(301), settings(), now))).toBe('timestamp_in_future');
    const both = { ...at(0).headers, 'x-hubspot-signature-v3': Buffer.alloc(32).toString('base64'), 'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de' };
    expect(reason(() => hubspotProvider.verify(req(both, v1Body), settings(), now))).toBe('no_matching_signature');
  });

  test('malformed headers and a batch identified by its first eventId', () => {
    expect(reason(() => hubspotProvider.verify(req({}, v1Body), settings(), new Date()))).toBe('missing_signature');
    expect(reason(() => hubspotProvider.verify(req({ 'x-hubspot-signature-v3': 'nope' }, v1Body), settings(), new Date()))).toBe('malformed_signature');
    expect(reason(() => hubspotProvider.verify(req({ 'x-hubspot-signature': 'ab', 'x-hubspot-signature-version': 'v1' }, v1Body), settings(), new Date()))).toBe('malformed_signature');
    expect(reason(() => hubspotProvider.verify(req({ 'x-hubspot-signature': '00'.repeat(32), 'x-hubspot-signature-version': 'v9' }, v1Body), settings(), new Date()))).toBe('malformed_signature');
    expect(hubspotProvider.identify(req({}, v1Body), JSON.parse(v1Body), settings())).toEqual({ id: '1', type: 'contact.creation' });
  });
});
