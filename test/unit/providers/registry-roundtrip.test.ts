import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignatureError } from '../../../src/errors/http-errors';
import { providers } from '../../../src/providers/registry';
import type { Provider, WebhookRequest } from '../../../src/providers/types';
import { flattenHeaders } from '../../../src/receiver/webhook-request';

/**
 * One loop over the whole registry: for every provider, `sign(sample)` verifies, and the
 * tampered, stale, future, wrong-secret and header-case variants fail (or pass) as they should.
 * A new provider or preset without a row here fails the first test.
 */
const random = () => randomBytes(24).toString('base64url');
const whsec = () => `whsec_${randomBytes(24).toString('base64')}`;
const pair = (type: 'ed25519' | 'ec') => {
  const k = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return {
    verify: k.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    sign: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
};

interface Fixture {
  readonly options?: Record<string, unknown>;
  /** Make a (verify secret, signing secret) pair of the provider's format. */
  readonly secret?: () => { verify: string; sign: string };
  /** Whether the signature covers the body (a shared token or Mailgun's token does not). */
  readonly signsBody?: boolean;
  /** Whether the scheme has a signed timestamp. */
  readonly timestamped?: boolean;
}

const same = (make: () => string) => () => {
  const s = make();
  return { verify: s, sign: s };
};

const fixtures: Record<string, Fixture> = {
  hmac: { options: { signatureHeader: 'x-sig', timestampHeader: 'x-ts', signedContent: '{timestamp}.{body}' }, timestamped: true },
  stripe: { secret: same(() => `whsec_${random()}`), timestamped: true },
  github: {},
  shopify: {},
  slack: { timestamped: true },
  twilio: {},
  'standard-webhooks': { secret: same(whsec), timestamped: true },
  paddle: { timestamped: true },
  square: {},
  zoom: { timestamped: true },
  linear: { timestamped: true },
  sendgrid: { secret: () => pair('ec'), timestamped: true },
  mailgun: { signsBody: false, timestamped: true },
  token: { options: { header: 'x-token' }, signsBody: false },
  basic: { signsBody: false },
  jwt: { options: { algorithms: ['HS256'], bodySha256Claim: 'body_sha256', maxAge: true }, timestamped: true },
  publickey: {
    options: { algorithm: 'ed25519', signatureHeader: 'x-sig', timestampHeader: 'x-ts', signedContent: ['timestamp', 'body'] },
    secret: () => pair('ed25519'),
    timestamped: true,
  },
  meta: {},
  discord: { secret: () => pair('ed25519'), timestamped: true },
  gitlab: { secret: same(whsec), timestamped: true },
  telegram: { signsBody: false },
  clerk: { secret: same(whsec), timestamped: true },
  resend: { secret: same(whsec), timestamped: true },
  twitch: { timestamped: true },
};

const now = new Date('2026-11-23T10:00:00Z');

function build(name: string) {
  const provider: Provider<any> = providers[name];
  const f = fixtures[name];
  const secret = (f.secret ?? same(random))();
  const other = (f.secret ?? same(random))();
  const user = `ada:${random()}`;
  const raw = name === 'basic' ? { users: ['bob:pw', user] } : (f.options ?? {});
  const options = provider.options.parse(raw);
  const tolerance = provider.defaultToleranceSeconds ?? 300;
  const settings = (secrets: string[]) => ({ secrets: name === 'basic' ? [] : secrets, toleranceSeconds: tolerance, options });
  const sample = provider.sample(undefined, now);
  const signed = provider.sign(
    { ...sample, url: `https://hooks.example.com/webhooks/${name}`, secret: name === 'basic' ? user : secret.sign, now },
    options,
  );
  const request = (headers = signed.headers, body = signed.body): WebhookRequest => ({
    rawBody: body,
    // Node lower-cases header names on arrival; flattenHeaders then joins repeated ones.
    headers: flattenHeaders(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))),
    url: signed.url,
    contentType: signed.contentType,
    method: 'POST',
  });
  const verify = (req: WebhookRequest, secrets: string[], at = now) => provider.verify(req, settings(secrets), at);
  return { provider, f, secret, other, tolerance, signed, request, verify, basicOther: { users: ['bob:pw'] } };
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
  return 'verified';
}

describe('every registered provider round-trips', () => {
  test('the fixture table covers the registry', () => {
    expect(Object.keys(fixtures).sort()).toEqual(Object.keys(providers).sort());
  });

  describe.each(Object.keys(providers).sort())('%s', (name) => {
    const c = build(name);

    test('sign(sample) verifies with the rotated secret, and identify() finds an ID', () => {
      expect(c.verify(c.request(), [c.other.verify, c.secret.verify]).secretIndex).toBe(1);
      const payload = c.signed.contentType.includes('json') ? JSON.parse(c.signed.body.toString()) : Object.fromEntries(new URLSearchParams(c.signed.body.toString()));
      const identity = c.provider.identify(c.request(), payload, { secrets: [], toleranceSeconds: c.tolerance, options: c.provider.options.parse(fixtures[name].options ?? (name === 'basic' ? { users: ['a:b'] } : {})) });
      expect(identity.id).toEqual(expect.any(String));
      expect(identity.id.length).toBeGreaterThan(0);
    });

    test('a wrong secret fails', () => {
      if (name === 'basic') {
        const settings = { secrets: [], toleranceSeconds: c.tolerance, options: c.provider.options.parse(c.basicOther) };
        expect(failure(() => c.provider.verify(c.request(), settings, now))).toBe('no_matching_signature');
        return;
      }
      expect(failure(() => c.verify(c.request(), [c.other.verify]))).toBe('no_matching_signature');
    });

    test('a tampered body fails where the signature covers it', () => {
      const tampered = Buffer.concat([c.signed.body, Buffer.from(c.signed.contentType.includes('json') ? ' ' : '&x=1')]);
      const outcome = failure(() => c.verify(c.request(c.signed.headers, tampered), [c.secret.verify]));
      if (c.f.signsBody === false) expect(outcome).toBe('verified');
      else expect(outcome).not.toBe('verified');
    });

    test('stale and future by one second past the tolerance fail; one second inside passes', () => {
      const shift = (s: number) => new Date(now.getTime() + s * 1000);
      if (!c.f.timestamped) {
        expect(failure(() => c.verify(c.request(), [c.secret.verify], shift(86_400)))).toBe('verified');
        return;
      }
      expect(failure(() => c.verify(c.request(), [c.secret.verify], shift(c.tolerance + 1)))).toBe('timestamp_too_old');
      expect(failure(() => c.verify(c.request(), [c.secret.verify], shift(-c.tolerance - 1)))).toBe('timestamp_in_future');
      expect(failure(() => c.verify(c.request(), [c.secret.verify], shift(c.tolerance - 1)))).toBe('verified');
      expect(failure(() => c.verify(c.request(), [c.secret.verify], shift(-c.tolerance + 1)))).toBe('verified');
    });

    test('header names in upper case verify once lower-cased as Node does; stripped signature headers fail', () => {
      const upper = Object.fromEntries(Object.entries(c.signed.headers).map(([k, v]) => [k.toUpperCase(), v]));
      expect(c.verify(c.request(upper), [c.secret.verify]).secretIndex).toBe(name === 'basic' ? 1 : 0);
      const secretHeaders = c.provider.secretHeaders(c.provider.options.parse(fixtures[name].options ?? (name === 'basic' ? { users: ['a:b'] } : {})));
      const stripped = Object.fromEntries(Object.entries(c.signed.headers).filter(([k]) => !secretHeaders.includes(k.toLowerCase())));
      if (name === 'mailgun') return; // Mailgun's signature is in the body
      expect(failure(() => c.verify(c.request(stripped), [c.secret.verify]))).not.toBe('verified');
    });
  });
});
