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
  /** Credentials in options (basic's users, Graph's clientState, PayPal's certificates): the matching and a wrong set. */
  readonly credentials?: () => { options: Record<string, unknown>; wrong: Record<string, unknown>; sign: string };
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
  basic: { signsBody: false, credentials: () => { const user = `ada:${random()}`; return { options: { users: ['bob:pw', user] }, wrong: { users: ['bob:pw'] }, sign: user }; } },
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
  'microsoft-graph': { signsBody: false, credentials: () => ({ options: { clientState: random() }, wrong: { clientState: random() }, sign: '' }) },
  dropbox: {},
  okta: { signsBody: false },
  xero: {},
  woocommerce: {},
  notion: {},
  figma: { signsBody: false },
  // Adyen signs named fields inside each item, not the bytes (its own test tampers with the fields).
  hubspot: { timestamped: true },
  asana: {},
  adyen: { signsBody: false, secret: same(() => randomBytes(32).toString('hex').toUpperCase()) },
  postmark: { signsBody: false, credentials: () => { const user = `pm:${random()}`; return { options: { users: [user] }, wrong: { users: ['pm:nope'] }, sign: user }; } },
  plaid: { secret: () => { const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }); return { verify: k.publicKey.export({ type: 'spki', format: 'pem' }) as string, sign: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }; }, timestamped: true },
  paypal: {
    timestamped: true,
    credentials: () => {
      const [k, other] = [0, 1].map(() => generateKeyPairSync('rsa', { modulusLength: 2048 }));
      const pem = (key: typeof k) => key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const webhookId = `WH-${random()}`;
      return {
        options: { webhookId, certificates: [pem(other), pem(k)] },
        wrong: { webhookId, certificates: [pem(other)] },
        sign: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      };
    },
  },
  // Issue #12, second batch.
  bitbucket: {},
  atlassian: {},
  intercom: {},
  zendesk: { timestamped: true },
  razorpay: {},
  calendly: { timestamped: true },
  typeform: {},
  vercel: {},
  sentry: {},
  lemonsqueezy: {},
  docusign: {},
  box: { timestamped: true },
  mux: { timestamped: true },
  pagerduty: {},
  contentful: { timestamped: true },
  sanity: { timestamped: true },
  netlify: {},
  segment: {},
  persona: { timestamped: true },
  cloudflare: { signsBody: false },
  'coinbase-commerce': {},
};

const now = new Date('2026-11-23T10:00:00Z');

function build(name: string) {
  const provider: Provider<any> = providers[name];
  const f = fixtures[name];
  const secret = (f.secret ?? same(random))();
  const other = (f.secret ?? same(random))();
  const credentials = f.credentials?.();
  const options = provider.options.parse(credentials?.options ?? f.options ?? {});
  const tolerance = provider.defaultToleranceSeconds ?? 300;
  const settings = (secrets: string[], o = options) => ({ secrets: credentials ? [] : secrets, toleranceSeconds: tolerance, options: o });
  const sample = provider.sample(undefined, now);
  const signed = provider.sign(
    { ...sample, url: `https://hooks.example.com/webhooks/${name}`, secret: credentials?.sign ?? secret.sign, now },
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
  const verifyWrong = (req: WebhookRequest) =>
    credentials ? provider.verify(req, settings([], provider.options.parse(credentials.wrong)), now) : verify(req, [other.verify]);
  return { provider, f, secret, other, tolerance, signed, request, verify, verifyWrong, options, rotated: name === 'basic' || name === 'paypal' };
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
      const index = c.verify(c.request(), [c.other.verify, c.secret.verify]).secretIndex;
      expect(index).toBe(c.f.credentials && !c.rotated ? 0 : 1);
      const payload = c.signed.contentType.includes('json') ? JSON.parse(c.signed.body.toString()) : Object.fromEntries(new URLSearchParams(c.signed.body.toString()));
      const identity = c.provider.identify(c.request(), payload, { secrets: [], toleranceSeconds: c.tolerance, options: c.options });
      expect(identity.id).toEqual(expect.any(String));
      expect(identity.id.length).toBeGreaterThan(0);
    });

    test('a wrong secret fails', () => {
      expect(failure(() => c.verifyWrong(c.request()))).toBe('no_matching_signature');
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
      expect(c.verify(c.request(upper), [c.secret.verify]).secretIndex).toBe(c.rotated ? 1 : 0);
      const secretHeaders = c.provider.secretHeaders(c.options);
      const stripped = Object.fromEntries(Object.entries(c.signed.headers).filter(([k]) => !secretHeaders.includes(k.toLowerCase())));
      // Mailgun's, Figma's, Graph's and Adyen's credentials are in the body.
      if (['mailgun', 'figma', 'microsoft-graph', 'adyen'].includes(name)) return;
      expect(failure(() => c.verify(c.request(stripped), [c.secret.verify]))).not.toBe('verified');
    });
  });
});
