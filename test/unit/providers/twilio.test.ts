import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import twilio from 'twilio';
import { parsePayload } from '../../../src/providers/payload';
import { twilioOptions, twilioProvider } from '../../../src/providers/twilio';
import type { TwilioOptions } from '../../../src/providers/twilio';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const FORM = 'application/x-www-form-urlencoded';
const token = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const formBody = Buffer.from(new URLSearchParams(params).toString());

function settings(secrets = [token], options: Record<string, unknown> = {}) {
  return { secrets, toleranceSeconds: 0, options: twilioOptions.parse(options) };
}

function request(
  headers: Record<string, string>,
  rawBody: Buffer = formBody,
  at = url,
  contentType = FORM,
): WebhookRequest {
  return { rawBody, headers, url: at, contentType };
}

const signed = (signature: string, rawBody?: Buffer, at?: string, contentType?: string) =>
  request({ 'x-twilio-signature': signature }, rawBody, at, contentType);

/** Twilio's documented algorithm, written out independently of the provider. */
function expected(secret: string, content: string): string {
  return createHmac('sha1', secret).update(content).digest('base64');
}

describe('twilio provider', () => {
  describe('PROVIDERS.md vectors (twilio-python request validator tests)', () => {
    test('verify() accepts the signature computed without the port, for a URL with or without :443', () => {
      const sig = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
      expect(twilioProvider.verify(signed(sig), settings(), now)).toEqual({ secretIndex: 0 });
      const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
      expect(twilioProvider.verify(signed(sig, formBody, withPort), settings(), now)).toEqual({ secretIndex: 0 });
    });

    test('verify() accepts the signature computed with :443, for a URL with or without it', () => {
      const sig = 'kvajT1Ptam85bY51eRf/AJRuM3w=';
      expect(twilioProvider.verify(signed(sig), settings(), now).secretIndex).toBe(0);
      const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
      expect(twilioProvider.verify(signed(sig, formBody, withPort), settings(), now).secretIndex).toBe(0);
    });
  });

  describe('against the twilio SDK', () => {
    test('verify() accepts getExpectedTwilioSignature() for a form post', () => {
      const sig = twilio.getExpectedTwilioSignature(token, url, params);
      expect(twilioProvider.verify(signed(sig), settings(), now).secretIndex).toBe(0);
    });

    test('verify() accepts getExpectedTwilioSignature() for repeated parameters, values sorted', () => {
      const repeated = { To: '+18005551212', MediaUrl: ['https://b.example/2', 'https://a.example/1'] };
      const body = Buffer.from('To=%2B18005551212&MediaUrl=https%3A%2F%2Fb.example%2F2&MediaUrl=https%3A%2F%2Fa.example%2F1');
      const sig = twilio.getExpectedTwilioSignature(token, url, repeated);
      expect(twilioProvider.verify(signed(sig, body), settings(), now).secretIndex).toBe(0);
    });

    test('verify() accepts a repeated identical value signed with or without the SDK de-duplication', () => {
      const body = Buffer.from('A=x&A=x&B=y');
      const deduped = twilio.getExpectedTwilioSignature(token, url, { A: ['x', 'x'], B: 'y' });
      expect(deduped).toBe(expected(token, `${url}AxBy`));
      expect(twilioProvider.verify(signed(deduped, body), settings(), now).secretIndex).toBe(0);
      expect(twilioProvider.verify(signed(expected(token, `${url}AxAxBy`), body), settings(), now).secretIndex).toBe(0);
    });

    test('verify() keeps parameters named like Object.prototype members', () => {
      const odd = { constructor: 'x', toString: 'y', __proto__x: 'z' };
      const body = Buffer.from('constructor=x&toString=y&__proto__x=z');
      const sig = twilio.getExpectedTwilioSignature(token, url, odd);
      expect(twilioProvider.verify(signed(sig, body), settings(), now).secretIndex).toBe(0);
    });

    test('verify() accepts getExpectedTwilioSignature() signed with :443 when the URL has none, and the reverse', () => {
      const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
      expect(twilioProvider.verify(signed(twilio.getExpectedTwilioSignature(token, withPort, params)), settings(), now).secretIndex).toBe(0);
      expect(
        twilioProvider.verify(signed(twilio.getExpectedTwilioSignature(token, url, params), formBody, withPort), settings(), now)
          .secretIndex,
      ).toBe(0);
    });

    test('verify() accepts :80 toggled on a plain http URL', () => {
      const plain = 'http://example.com/sms';
      const sig = twilio.getExpectedTwilioSignature(token, 'http://example.com:80/sms', params);
      expect(twilioProvider.verify(signed(sig, formBody, plain), settings(), now).secretIndex).toBe(0);
    });

    test('verify() does not drop a non-default port', () => {
      const sig = twilio.getExpectedTwilioSignature(token, 'https://example.com/sms', params);
      expect(reason(() => twilioProvider.verify(signed(sig, formBody, 'https://example.com:8443/sms'), settings(), now))).toBe(
        'no_matching_signature',
      );
    });

    test('verify() accepts a JSON post whose URL carries bodySHA256, as the SDK computes it', () => {
      const body = '{"MessageSid":"SM1","MessageStatus":"sent"}';
      const at = `https://example.com/hooks?bodySHA256=${twilio.getExpectedBodyHash(body)}`;
      const sig = twilio.getExpectedTwilioSignature(token, at, {});
      expect(twilioProvider.verify(signed(sig, Buffer.from(body), at, 'application/json'), settings(), now).secretIndex).toBe(0);
    });

    test('sign() of a form post is accepted by validateRequest()', () => {
      const out = twilioProvider.sign({ body: formBody, contentType: FORM, url, secret: token, now }, twilioOptions.parse({}));
      expect(out.url).toBe(url);
      expect(out.headers['x-twilio-signature']).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
      expect(twilio.validateRequest(token, out.headers['x-twilio-signature'], out.url, params)).toBe(true);
      expect(out.headers['i-twilio-idempotency-token']).toMatch(/^[0-9a-f-]{36}$/);
    });

    test('sign() of a JSON post adds bodySHA256 to the URL and is accepted by validateRequestWithBody()', () => {
      const body = Buffer.from('{"hello":"world"}');
      const out = twilioProvider.sign(
        { body, contentType: 'application/json', url: 'https://example.com/hooks?x=1', secret: token, now },
        twilioOptions.parse({}),
      );
      expect(out.url).toBe(`https://example.com/hooks?x=1&bodySHA256=${createHash('sha256').update(body).digest('hex')}`);
      expect(twilio.validateRequestWithBody(token, out.headers['x-twilio-signature'], out.url, body.toString())).toBe(true);
      expect(twilioProvider.verify(request(out.headers, out.body, out.url, 'application/json'), settings(), now).secretIndex).toBe(0);
    });
  });

  describe('verify() failures', () => {
    const good = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

    test('rejects a tampered parameter, an added parameter and a changed URL', () => {
      const tampered = Buffer.from(formBody.toString().replace('Digits=1234', 'Digits=1235'));
      expect(reason(() => twilioProvider.verify(signed(good, tampered), settings(), now))).toBe('no_matching_signature');
      const added = Buffer.from(`${formBody}&Extra=1`);
      expect(reason(() => twilioProvider.verify(signed(good, added), settings(), now))).toBe('no_matching_signature');
      expect(reason(() => twilioProvider.verify(signed(good, formBody, `${url}&baz=3`), settings(), now))).toBe(
        'no_matching_signature',
      );
    });

    test('rejects a wrong Auth Token', () => {
      expect(reason(() => twilioProvider.verify(signed(good), settings(['54321']), now))).toBe('no_matching_signature');
    });

    test('reports which Auth Token of a rotation list matched', () => {
      expect(twilioProvider.verify(signed(good), settings(['old-token', token]), now).secretIndex).toBe(1);
      expect(twilioProvider.verify(signed(good), settings([token, 'next']), now).secretIndex).toBe(0);
    });

    test('rejects a missing or non-base64 header', () => {
      expect(reason(() => twilioProvider.verify(request({}), settings(), now))).toBe('missing_signature');
      expect(reason(() => twilioProvider.verify(signed(''), settings(), now))).toBe('missing_signature');
      expect(reason(() => twilioProvider.verify(signed('not base64!'), settings(), now))).toBe('malformed_signature');
      expect(reason(() => twilioProvider.verify(signed(`${good}, ${good}`), settings(), now))).toBe('malformed_signature');
    });

    test('rejects a JSON body whose hash does not match bodySHA256', () => {
      const body = Buffer.from('{"a":1}');
      const at = `https://example.com/hooks?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
      const sig = expected(token, at);
      expect(twilioProvider.verify(signed(sig, body, at, 'application/json'), settings(), now).secretIndex).toBe(0);
      expect(reason(() => twilioProvider.verify(signed(sig, Buffer.from('{"a":2}'), at, 'application/json'), settings(), now))).toBe(
        'body_hash_mismatch',
      );
      const notHex = 'https://example.com/hooks?bodySHA256=zz';
      expect(reason(() => twilioProvider.verify(signed(expected(token, notHex), body, notHex, 'application/json'), settings(), now))).toBe(
        'body_hash_mismatch',
      );
    });

    test('checks the signature over the URL before the body hash', () => {
      const body = Buffer.from('{"a":1}');
      const at = `https://example.com/hooks?bodySHA256=${createHash('sha256').update('other').digest('hex')}`;
      expect(reason(() => twilioProvider.verify(signed(expected('wrong', at), body, at, 'application/json'), settings(), now))).toBe(
        'no_matching_signature',
      );
    });

    test('rejects a JSON body the URL does not cover, and a URL with two bodySHA256 parameters', () => {
      const body = Buffer.from('{"a":1}');
      const bare = 'https://example.com/hooks';
      expect(reason(() => twilioProvider.verify(signed(expected(token, bare), body, bare, 'application/json'), settings(), now))).toBe(
        'body_hash_mismatch',
      );
      const hash = createHash('sha256').update(body).digest('hex');
      const twice = `${bare}?bodySHA256=${hash}&bodySHA256=${hash}`;
      expect(reason(() => twilioProvider.verify(signed(expected(token, twice), body, twice, 'application/json'), settings(), now))).toBe(
        'body_hash_mismatch',
      );
    });
  });

  describe('the url option', () => {
    test('replaces the URL the receiver saw, keeping the request query string', () => {
      const publicBase = 'https://hooks.example.com/twilio/sms';
      const sig = expected(token, `${publicBase}?tenant=7${'CallSidCA1'}`);
      const internal = 'http://10.0.0.5:3000/webhooks/sms?tenant=7';
      const s = settings([token], { url: publicBase });
      expect(twilioProvider.verify(signed(sig, Buffer.from('CallSid=CA1'), internal), s, now).secretIndex).toBe(0);
      expect(reason(() => twilioProvider.verify(signed(sig, Buffer.from('CallSid=CA1'), internal), settings(), now))).toBe(
        'no_matching_signature',
      );
    });

    test('sign() signs the public URL but posts to the given one', () => {
      const o: TwilioOptions = twilioOptions.parse({ url: 'https://hooks.example.com/twilio' });
      const body = Buffer.from('{"x":1}');
      const out = twilioProvider.sign({ body, contentType: 'application/json', url: 'http://localhost:3000/w/t', secret: token, now }, o);
      const hash = createHash('sha256').update(body).digest('hex');
      expect(out.url).toBe(`http://localhost:3000/w/t?bodySHA256=${hash}`);
      expect(twilio.validateRequestWithBody(token, out.headers['x-twilio-signature'], `https://hooks.example.com/twilio?bodySHA256=${hash}`, '{"x":1}')).toBe(true);
      expect(twilioProvider.verify(request(out.headers, body, out.url, 'application/json'), { ...settings(), options: o }, now).secretIndex).toBe(0);
    });

    test('options refuse a URL with a query string, a non-http URL and unknown fields', () => {
      expect(twilioOptions.safeParse({ url: 'https://h.example/x?y=1' }).success).toBe(false);
      expect(twilioOptions.safeParse({ url: 'ftp://h.example/x' }).success).toBe(false);
      expect(twilioOptions.safeParse({ urll: 'https://h.example/x' }).success).toBe(false);
      expect(twilioOptions.safeParse({ url: 'https://h.example:8443/x' }).success).toBe(true);
    });
  });

  describe('identify()', () => {
    const id = (fields: Record<string, string>, headers: Record<string, string> = {}) => {
      const req = request(headers, Buffer.from(new URLSearchParams(fields).toString()));
      return twilioProvider.identify(req, parsePayload(req), settings());
    };

    test('prefers the I-Twilio-Idempotency-Token header', () => {
      expect(id({ MessageSid: 'SM1', MessageStatus: 'sent' }, { 'i-twilio-idempotency-token': 'tok-1' })).toMatchObject({
        id: 'tok-1',
        type: 'message.sent',
      });
    });

    test('pairs a MessageSid with its status, so each status callback is its own event', () => {
      const sent = id({ SmsSid: 'SM1', SmsStatus: 'sent', MessageStatus: 'sent', MessageSid: 'SM1' });
      const delivered = id({ SmsSid: 'SM1', SmsStatus: 'delivered', MessageStatus: 'delivered', MessageSid: 'SM1' });
      expect(sent).toMatchObject({ id: 'SM1:sent', type: 'message.sent' });
      expect(delivered).toMatchObject({ id: 'SM1:delivered', type: 'message.delivered' });
    });

    test('names an inbound message incoming.message', () => {
      expect(id({ MessageSid: 'SM2', SmsSid: 'SM2', SmsStatus: 'received', Body: 'hi' })).toMatchObject({
        id: 'SM2:received',
        type: 'incoming.message',
      });
    });

    test('adds the SequenceNumber of call progress callbacks and reads their Timestamp', () => {
      expect(
        id({
          CallSid: 'CA1',
          CallStatus: 'in-progress',
          SequenceNumber: '1',
          CallbackSource: 'call-progress-events',
          Timestamp: 'Mon, 23 Nov 2026 09:59:58 +0000',
        }),
      ).toEqual({ id: 'CA1:in-progress:1', type: 'call.in-progress', occurredAt: new Date('2026-11-23T09:59:58Z') });
    });

    test('keys a recording or transcription callback on its own SID, not the call it belongs to', () => {
      expect(id({ CallSid: 'CA1', RecordingSid: 'RE1', RecordingStatus: 'completed' })).toMatchObject({
        id: 'RE1:completed',
        type: 'recording.completed',
      });
      expect(id({ CallSid: 'CA1', RecordingSid: 'RE1', TranscriptionSid: 'TR1', TranscriptionStatus: 'completed' })).toMatchObject({
        id: 'TR1:completed',
        type: 'transcription.completed',
      });
    });

    test('keys conference events on ConferenceSid, event and sequence', () => {
      expect(
        id({ ConferenceSid: 'CF1', CallSid: 'CA9', StatusCallbackEvent: 'participant-join', SequenceNumber: '3' }),
      ).toMatchObject({ id: 'CF1:participant-join:3', type: 'conference.participant-join' });
    });

    test('hashes the signed content of TwiML requests, which repeat a CallSid and status', () => {
      const first = id({ CallSid: 'CA1', CallStatus: 'in-progress', Digits: '1' });
      const second = id({ CallSid: 'CA1', CallStatus: 'in-progress', Digits: '2' });
      expect(first.id).toMatch(/^[0-9a-f]{64}$/);
      expect(second.id).not.toBe(first.id);
      expect(first.type).toBe('call.in-progress');
      expect(id({ CallSid: 'CA1', CallStatus: 'ringing', Direction: 'inbound' }).type).toBe('incoming.call');
    });

    test('derives the ID from the signed content when no SID is sent', () => {
      const a = id({ Foo: 'bar' });
      expect(a).toEqual({ id: createHash('sha256').update(`${url}Foobar`).digest('hex'), type: 'unknown', occurredAt: undefined });
    });
  });

  test('sample() is a MessageStatus callback that sign(), verify() and identify() agree on', () => {
    const sample = twilioProvider.sample(undefined, now);
    expect(sample.contentType).toBe(FORM);
    const out = twilioProvider.sign({ ...sample, url: 'https://h.example/t', secret: token, now }, twilioOptions.parse({}));
    const req = request({ 'x-twilio-signature': out.headers['x-twilio-signature'] }, out.body, out.url, out.contentType);
    expect(twilioProvider.verify(req, settings(), now).secretIndex).toBe(0);
    const identity = twilioProvider.identify(req, parsePayload(req), settings());
    expect(identity.type).toBe('message.delivered');
    expect(identity.id).toMatch(/^SM[0-9a-f]{32}:delivered$/);
    expect(twilioProvider.sample('message.sent', now).body.toString()).toContain('MessageStatus=sent');
  });

  test('secretHeaders() lists the signature header', () => {
    expect(twilioProvider.secretHeaders(twilioOptions.parse({}))).toEqual(['x-twilio-signature']);
  });

  describe('properties', () => {
    const contentType = fc.constantFrom(FORM, 'application/json', 'text/plain', '');
    const header = fc.oneof(fc.string(), fc.base64String(), fc.constant('RSOYDt4T1cUTdK1PDd93/VVr8B8='));
    const anyUrl = fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string(), fc.constant(url));

    test('verify() only ever throws SignatureError on random input, and never verifies it', () => {
      fc.assert(
        fc.property(fc.option(header, { nil: undefined }), fc.uint8Array({ maxLength: 300 }), anyUrl, contentType, (sig, body, at, type) => {
          const headers: Record<string, string> = sig === undefined ? {} : { 'x-twilio-signature': sig };
          expect(reason(() => twilioProvider.verify(request(headers, Buffer.from(body), at, type), settings(), now))).toEqual(
            expect.any(String),
          );
        }),
        { numRuns: 500 },
      );
    });

    test('a form signed with one token never verifies with another', () => {
      fc.assert(
        fc.property(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 5 }),
          fc.string({ minLength: 1 }),
          fc.string({ minLength: 1 }),
          (fields, a, b) => {
            fc.pre(a !== b);
            const body = Buffer.from(new URLSearchParams(fields).toString());
            const out = twilioProvider.sign({ body, contentType: FORM, url, secret: a, now }, twilioOptions.parse({}));
            const req = request(out.headers, body);
            expect(twilioProvider.verify(req, settings([a]), now).secretIndex).toBe(0);
            expect(reason(() => twilioProvider.verify(req, settings([b]), now))).toBe('no_matching_signature');
          },
        ),
      );
    });
  });
});
