import { createHash, generateKeyPairSync, sign as ecdsaSign } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import fc from 'fast-check';
import { parsePayload } from '../../../src/providers/payload';
import { sendgridOptions, sendgridProvider } from '../../../src/providers/sendgrid';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const SIG = 'x-twilio-email-event-webhook-signature';
const TS = 'x-twilio-email-event-webhook-timestamp';

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicDer: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privateDer: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    privateKey,
  };
}
const current = keyPair();
const next = keyPair();

const events = [
  { email: 'ada@example.com', event: 'delivered', sg_event_id: 'ev-1', sg_message_id: 'm-1', timestamp: nowSeconds - 5 },
  { email: 'grace@example.com', event: 'delivered', sg_event_id: 'ev-2', sg_message_id: 'm-2', timestamp: nowSeconds - 3 },
];
// SendGrid's framing: one event per line, CRLF-separated, with a trailing CRLF.
const body = Buffer.from(`[${events.map((e) => JSON.stringify(e)).join(',\r\n')}]\r\n`);

function settings(secrets = [current.publicDer]) {
  return { secrets, toleranceSeconds: 300, options: sendgridOptions.parse({}) };
}

function request(headers: Readonly<Record<string, string | undefined>>, rawBody: Buffer = body): WebhookRequest {
  return { rawBody, headers, url: 'https://hooks.example.com/sendgrid', contentType: 'application/json' };
}

/** One valid request signed with node:crypto at `ts`; each test breaks one thing. */
function signedAt(ts: number, pair = current, raw: Buffer = body): WebhookRequest {
  const signature = ecdsaSign('sha256', Buffer.concat([Buffer.from(String(ts)), raw]), { key: pair.privateKey, dsaEncoding: 'der' });
  return request({ [SIG]: signature.toString('base64'), [TS]: String(ts) }, raw);
}

describe('sendgrid provider', () => {
  describe('vectors', () => {
    test('verify() accepts the PROVIDERS.md vector (sendgrid-nodejs eventwebhook tests)', () => {
      const key =
        'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
      const req = request(
        {
          [SIG]: 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
          [TS]: '1588788367',
        },
        Buffer.from('{"category":"example_payload","event":"test_event","message_id":"message_id"}'),
      );
      const at = new Date(1588788367 * 1000);
      expect(sendgridProvider.verify(req, settings([key]), at)).toEqual({ secretIndex: 0, signedAt: at });
      expect(sendgridProvider.identify(req, parsePayload(req), settings([key])).type).toBe('test_event');
    });

    test('verify() accepts the SDK test suite vector with its trailing CRLF, and rejects it without', () => {
      const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==';
      const payload = JSON.stringify([
        {
          email: 'hello@world.com',
          event: 'dropped',
          reason: 'Bounced Address',
          sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
          sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
          'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
          timestamp: 1600112492,
        },
      ]);
      const headers = {
        [SIG]: 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
        [TS]: '1600112502',
      };
      const at = new Date(1600112502 * 1000);
      expect(sendgridProvider.verify(request(headers, Buffer.from(`${payload}\r\n`)), settings([key]), at).secretIndex).toBe(0);
      expect(reason(() => sendgridProvider.verify(request(headers, Buffer.from(payload)), settings([key]), at))).toBe('no_matching_signature');
    });
  });

  describe('against @sendgrid/eventwebhook', () => {
    const sdk = new EventWebhook();

    test('EventWebhook.verifySignature() accepts sign() output with a DER or a PEM private key', () => {
      for (const secret of [current.privateDer, current.privatePem]) {
        const out = sendgridProvider.sign({ body, contentType: 'application/json', url: 'https://h.example/sg', secret, now }, {});
        expect(out.headers[TS]).toBe(String(nowSeconds));
        expect(sdk.verifySignature(sdk.convertPublicKeyToECDSA(current.publicPem), out.body, out.headers[SIG], out.headers[TS])).toBe(true);
        expect(sendgridProvider.verify(request(out.headers, out.body), settings(), now).secretIndex).toBe(0);
      }
    });

    test('the SDK and verify() both reject a tampered body, a moved timestamp and another key', () => {
      const out = sendgridProvider.sign({ body, contentType: 'application/json', url: 'u', secret: current.privateDer, now }, {});
      const pub = sdk.convertPublicKeyToECDSA(current.publicPem);
      const tampered = Buffer.from(body.toString().replace('ev-2', 'ev-3'));
      expect(sdk.verifySignature(pub, tampered, out.headers[SIG], out.headers[TS])).toBe(false);
      expect(reason(() => sendgridProvider.verify(request(out.headers, tampered), settings(), now))).toBe('no_matching_signature');
      const moved = String(nowSeconds - 1);
      expect(sdk.verifySignature(pub, out.body, out.headers[SIG], moved)).toBe(false);
      expect(reason(() => sendgridProvider.verify(request({ ...out.headers, [TS]: moved }), settings(), now))).toBe('no_matching_signature');
      expect(sdk.verifySignature(sdk.convertPublicKeyToECDSA(next.publicPem), out.body, out.headers[SIG], out.headers[TS])).toBe(false);
      expect(reason(() => sendgridProvider.verify(request(out.headers), settings([next.publicDer]), now))).toBe('no_matching_signature');
    });
  });

  test('verify() accepts a base64 DER or a PEM public key, and reports which of a rotation list matched', () => {
    expect(sendgridProvider.verify(signedAt(nowSeconds), settings([current.publicPem]), now).secretIndex).toBe(0);
    expect(sendgridProvider.verify(signedAt(nowSeconds, next), settings([current.publicDer, next.publicDer]), now).secretIndex).toBe(1);
  });

  test('verify() accepts timestamps at the 300 s tolerance, both directions', () => {
    expect(sendgridProvider.defaultToleranceSeconds).toBe(300);
    expect(sendgridProvider.verify(signedAt(nowSeconds - 300), settings(), now).signedAt).toEqual(new Date((nowSeconds - 300) * 1000));
    expect(sendgridProvider.verify(signedAt(nowSeconds + 300), settings(), now).secretIndex).toBe(0);
  });

  test('verify() rejects timestamps one second past the tolerance, both directions', () => {
    expect(reason(() => sendgridProvider.verify(signedAt(nowSeconds - 301), settings(), now))).toBe('timestamp_too_old');
    expect(reason(() => sendgridProvider.verify(signedAt(nowSeconds + 301), settings(), now))).toBe('timestamp_in_future');
  });

  test('verify() rejects missing and malformed headers with their reasons', () => {
    const good = signedAt(nowSeconds).headers;
    expect(reason(() => sendgridProvider.verify(request({ [TS]: good[TS] }), settings(), now))).toBe('missing_signature');
    expect(reason(() => sendgridProvider.verify(request({ [SIG]: 'not base64!', [TS]: good[TS] }), settings(), now))).toBe(
      'malformed_signature',
    );
    expect(reason(() => sendgridProvider.verify(request({ [SIG]: good[SIG] }), settings(), now))).toBe('missing_timestamp');
    expect(reason(() => sendgridProvider.verify(request({ [SIG]: good[SIG], [TS]: 'yesterday' }), settings(), now))).toBe(
      'malformed_timestamp',
    );
    // Valid base64 that is not a DER signature is simply no match.
    expect(reason(() => sendgridProvider.verify(request({ [SIG]: 'AAAA', [TS]: good[TS] }), settings(), now))).toBe(
      'no_matching_signature',
    );
  });

  test('verify() fails loudly, naming the position only, for a configured key that is not a P-256 public key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(() => sendgridProvider.verify(signedAt(nowSeconds), settings(['bm90IGEga2V5']), now)).toThrow(
      'sendgrid secret 0 is not a base64 SPKI DER or PEM public key',
    );
    expect(() => sendgridProvider.verify(signedAt(nowSeconds), settings([current.publicDer, rsa]), now)).toThrow(
      'sendgrid secret 1 is not a P-256 (prime256v1) key',
    );
  });

  describe('identify()', () => {
    test('derives the ID from the body and reads the shared event type and earliest time', () => {
      const req = signedAt(nowSeconds);
      expect(sendgridProvider.identify(req, parsePayload(req), settings())).toEqual({
        id: createHash('sha256').update(body).digest('hex'),
        type: 'delivered',
        occurredAt: new Date((nowSeconds - 5) * 1000),
      });
    });

    test('gives a retry re-signed later the same ID', () => {
      const first = signedAt(nowSeconds - 200);
      const retry = signedAt(nowSeconds);
      expect(sendgridProvider.identify(retry, events, settings()).id).toBe(sendgridProvider.identify(first, events, settings()).id);
    });

    test('names a mixed batch batch', () => {
      const mixed = [events[0], { ...events[1], event: 'open' }];
      expect(sendgridProvider.identify(request({}), mixed, settings()).type).toBe('batch');
    });
  });

  test('sample() is two delivered events that sign(), verify() and identify() agree on', () => {
    const sample = sendgridProvider.sample(undefined, now);
    const parsed = JSON.parse(sample.body.toString()) as { event: string; sg_event_id: string }[];
    expect(parsed).toHaveLength(2);
    expect(parsed.every((e) => e.event === 'delivered' && e.sg_event_id)).toBe(true);
    expect(sample.body.toString().endsWith('}]\r\n')).toBe(true);
    const out = sendgridProvider.sign({ ...sample, url: 'u', secret: current.privatePem, now }, {});
    const req = request(out.headers, out.body);
    expect(sendgridProvider.verify(req, settings(), now).secretIndex).toBe(0);
    expect(sendgridProvider.identify(req, parsePayload(req), settings()).type).toBe('delivered');
  });

  test('secretHeaders() lists the signature header', () => {
    expect(sendgridProvider.secretHeaders({})).toEqual([SIG]);
  });

  describe('properties', () => {
    const sig = fc.oneof(fc.string(), fc.base64String({ maxLength: 120 }), fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('base64')));
    const ts = fc.oneof(fc.string(), fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }).map(String));

    test('verify() only ever throws SignatureError on random input, and never verifies it', () => {
      fc.assert(
        fc.property(fc.option(sig, { nil: undefined }), fc.option(ts, { nil: undefined }), fc.uint8Array({ maxLength: 300 }), (s, t, raw) => {
          const headers: Record<string, string> = {};
          if (s !== undefined) headers[SIG] = s;
          if (t !== undefined) headers[TS] = t;
          expect(reason(() => sendgridProvider.verify(request(headers, Buffer.from(raw)), settings(), now))).toEqual(expect.any(String));
        }),
        { numRuns: 300 },
      );
    });

    test('a body signed with one key never verifies with another, nor once a byte changes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (raw, at) => {
          const req = signedAt(nowSeconds, current, Buffer.from(raw));
          expect(sendgridProvider.verify(req, settings(), now).secretIndex).toBe(0);
          expect(reason(() => sendgridProvider.verify(req, settings([next.publicDer]), now))).toBe('no_matching_signature');
          const flipped = Buffer.from(raw);
          flipped[at % flipped.length] ^= 1;
          expect(reason(() => sendgridProvider.verify(request(req.headers, flipped), settings(), now))).toBe('no_matching_signature');
        }),
        { numRuns: 50 },
      );
    });
  });
});
