import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import {
  checkStandardWebhookSecret,
  MAX_KEY_BYTES,
  MIN_KEY_BYTES,
  signedContent,
  signStandardWebhook,
  standardWebhookKey,
} from '../../../src/forward/standard-webhook-signature';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const whsec = (key: Uint8Array) => `whsec_${Buffer.from(key).toString('base64')}`;

/** The official library's verify, which checks the timestamp against the real clock. */
function verifies(key: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(key).verify(body, headers, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}

describe('signStandardWebhook', () => {
  test('signStandardWebhook() reproduces the standardwebhooks library test vector', () => {
    const signature = signStandardWebhook({
      secrets: [secret],
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: Buffer.from('{"test": 2432232314}'),
    });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  test('signStandardWebhook() with one secret verifies with standardwebhooks for random keys and bodies', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: MIN_KEY_BYTES, maxLength: MAX_KEY_BYTES }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        (key, text) => {
          const timestamp = Math.floor(Date.now() / 1000);
          const signature = signStandardWebhook({ secrets: [whsec(key)], id, timestamp, body: Buffer.from(text) });
          const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
          expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
          expect(verifies(whsec(key), text, headers)).toBe(true);
          expect(verifies(whsec(key), `${text} `, headers)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('signStandardWebhook() with two secrets verifies under each one alone, and not under a third', () => {
    const key = fc.uint8Array({ minLength: MIN_KEY_BYTES, maxLength: MAX_KEY_BYTES }).map(whsec);
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 3, maxLength: 3 }), fc.string({ maxLength: 300 }), (keys, text) => {
        const [current, previous, unrelated] = keys as [string, string, string];
        const timestamp = Math.floor(Date.now() / 1000);
        const signature = signStandardWebhook({ secrets: [current, previous], id, timestamp, body: Buffer.from(text) });
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
        expect(signature.split(' ')).toHaveLength(2);
        expect(verifies(current, text, headers)).toBe(true);
        expect(verifies(previous, text, headers)).toBe(true);
        expect(verifies(unrelated, text, headers)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  test('signStandardWebhook() treats a secret without the whsec_ prefix as the same base64 key', () => {
    const args = { id, timestamp: 1614265330, body: Buffer.from('{}') };
    expect(signStandardWebhook({ ...args, secrets: [secret.slice('whsec_'.length)] })).toBe(
      signStandardWebhook({ ...args, secrets: [secret] }),
    );
  });

  test('signStandardWebhook() throws for no secrets and for a timestamp that is not whole seconds', () => {
    const body = Buffer.from('{}');
    expect(() => signStandardWebhook({ secrets: [], id, timestamp: 1614265330, body })).toThrow(TypeError);
    expect(() => signStandardWebhook({ secrets: [secret], id, timestamp: 1614265330.5, body })).toThrow(RangeError);
    expect(() => signStandardWebhook({ secrets: [secret], id, timestamp: Number.NaN, body })).toThrow(RangeError);
  });

  test('signedContent() is "<id>.<timestamp>.<body>" with the timestamp text kept as given', () => {
    const padded = signedContent('msg_1', '0001614265330', Buffer.from('{"a":1}'));
    expect(padded.toString()).toBe('msg_1.0001614265330.{"a":1}');
    expect(signedContent('msg_1', 1614265330, Buffer.from('')).toString()).toBe('msg_1.1614265330.');
  });

  test('standardWebhookKey() decodes the base64 after whsec_, and bare base64 the same way', () => {
    const key = Buffer.from('a key of exactly twenty-four!');
    expect(standardWebhookKey(`whsec_${key.toString('base64')}`)).toEqual(key);
    expect(standardWebhookKey(key.toString('base64'))).toEqual(key);
  });
});

describe('checkStandardWebhookSecret', () => {
  test('checkStandardWebhookSecret() accepts keys of 24 to 64 bytes, with or without whsec_', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: MIN_KEY_BYTES, maxLength: MAX_KEY_BYTES }), (key) => {
        expect(checkStandardWebhookSecret(whsec(key))).toBeUndefined();
        expect(checkStandardWebhookSecret(Buffer.from(key).toString('base64'))).toBeUndefined();
        // What we accept, the official library accepts too.
        expect(() => new Webhook(whsec(key))).not.toThrow();
      }),
    );
    expect(checkStandardWebhookSecret(secret)).toBeUndefined();
  });

  const base64Of = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
  test.each([
    ['an empty secret', '', 'is empty'],
    ['the prefix alone', 'whsec_', 'has no key after whsec_'],
    ['a trailing newline', `whsec_${base64Of(32)}\n`, 'contains whitespace'],
    ['a non-base64 character', `whsec_${base64Of(32).slice(0, -4)}*AAA`, 'is not base64'],
    ['the URL-safe alphabet', `whsec_${Buffer.alloc(33, 0xfb).toString('base64url')}`, 'is not base64'],
    ['missing padding', `whsec_${base64Of(32).replace(/=+$/, '')}`, 'is not base64'],
    ['a 23-byte key', `whsec_${base64Of(23)}`, 'decodes to 23 bytes; the spec asks for at least 24'],
    ['a 65-byte key', `whsec_${base64Of(65)}`, 'decodes to 65 bytes; the spec allows at most 64'],
  ])('checkStandardWebhookSecret() names %s', (_name, bad, problem) => {
    expect(checkStandardWebhookSecret(bad)).toContain(problem);
  });

  test('checkStandardWebhookSecret() never quotes the secret', () => {
    const bad = `whsec_${base64Of(16)}`;
    expect(checkStandardWebhookSecret(bad)).not.toContain(base64Of(16));
  });
});
