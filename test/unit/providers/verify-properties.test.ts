import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SignatureError } from '../../../src/errors/http-errors';
import { providers } from '../../../src/providers/registry';
import type { Provider, WebhookRequest } from '../../../src/providers/types';

/**
 * Properties over every registered provider's verify(), from a request it signed itself:
 * random values in any of its headers, or a random body, never throw anything but
 * SignatureError out of the module, and with another key nothing ever verifies.
 */
const now = new Date('2026-11-23T10:00:00Z');
const pairs = {
  ed25519: generateKeyPairSync('ed25519'),
  ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const pem = (k: (typeof pairs)['ec']) => ({
  verify: k.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  sign: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
});
const other = { ed25519: generateKeyPairSync('ed25519'), ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }), rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }) };

/** Options a provider cannot do without; the rest parse from {}. */
const OPTIONS: Record<string, Record<string, unknown>> = {
  hmac: { signatureHeader: 'x-sig', timestampHeader: 'x-ts', signedContent: '{timestamp}.{body}' },
  token: { header: 'x-token' },
  basic: { users: ['a:b'] },
  jwt: { algorithms: ['HS256'], bodySha256Claim: 'sha256', maxAge: true },
  publickey: { algorithm: 'ed25519', signatureHeader: 'x-sig' },
  'microsoft-graph': { clientState: 'state-1' },
  postmark: { users: ['a:b'] },
  paypal: { webhookId: 'WH-1', certificates: [pem(pairs.rsa).verify] },
};

/** A (verify, sign) secret pair of the provider's format, and a wrong one of the same format. */
function keysFor(provider: Provider<any>, options: unknown): { right: { verify: string; sign: string }; wrong: string } {
  const candidates = [
    { right: { verify: `whsec_${randomBytes(24).toString('base64')}`, sign: '' }, wrong: `whsec_${randomBytes(24).toString('base64')}` },
    { right: pem(pairs.ed25519), wrong: pem(other.ed25519).verify },
    { right: pem(pairs.ec), wrong: pem(other.ec).verify },
    { right: pem(pairs.rsa), wrong: pem(other.rsa).verify },
    // Last: 64 hex characters are also a raw Ed25519 public key (Discord's format).
    { right: { verify: randomBytes(32).toString('hex'), sign: '' }, wrong: randomBytes(32).toString('hex') },
  ];
  for (const c of candidates) {
    if (provider.checkSecret?.(c.right.verify, options) === undefined) return { right: { ...c.right, sign: c.right.sign || c.right.verify }, wrong: c.wrong };
  }
  throw new Error(`no key format fits ${provider.name}`);
}

const names = Object.keys(providers).filter((name) => providers[name].options.safeParse(OPTIONS[name] ?? {}).success).sort();

describe.each(names)('%s: verify() on random input', (name) => {
  const provider: Provider<any> = providers[name];
  const options = provider.options.parse(OPTIONS[name] ?? {});
  const { right, wrong } = keysFor(provider, options);
  // Basic signs with its user, PayPal with the private key of its pinned certificate.
  const secret = name === 'basic' || name === 'postmark' ? 'a:b' : name === 'paypal' ? pem(pairs.rsa).sign : right.sign;
  let signed: ReturnType<Provider['sign']>;
  try {
    signed = provider.sign({ ...provider.sample(undefined, now), url: `https://h.example/webhooks/${name}`, secret, now }, options);
  } catch (error) {
    throw new Error(`${name}: sign() with a ${right.verify.slice(0, 12)}… key failed: ${(error as Error).message}`);
  }
  const headerNames = Object.keys(signed.headers).map((h) => h.toLowerCase());
  const request = (headers: Record<string, string>, body: Buffer): WebhookRequest => ({
    rawBody: body,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    url: signed.url,
    contentType: signed.contentType,
    method: 'POST',
  });
  const settings = (secrets: string[]) => ({ secrets, toleranceSeconds: 300, options });
  const mutation = fc.record({
    header: fc.constantFrom(...headerNames),
    value: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String(), fc.stringMatching(/^[tv0-9a-z]{1,3}=[0-9a-f]{0,70}([,; ][tv0-9]{1,2}=[0-9a-f]{0,70})*$/)),
    body: fc.option(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), { nil: undefined }),
  });

  test('throws nothing but SignatureError', () => {
    fc.assert(
      fc.property(mutation, ({ header, value, body }) => {
        try {
          provider.verify(request({ ...signed.headers, [header]: value }, body ?? signed.body), settings([right.verify]), now);
        } catch (error) {
          if (!(error instanceof SignatureError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });

  test('never verifies with another key', () => {
    // Providers whose credentials are options (basic users, Graph's clientState, PayPal's
    // certificates) are covered by the round-trip test's wrong-credential case.
    if (['basic', 'postmark', 'microsoft-graph', 'paypal'].includes(name)) return;
    fc.assert(
      fc.property(mutation, ({ header, value, body }) => {
        expect(() => provider.verify(request({ ...signed.headers, [header]: value }, body ?? signed.body), settings([wrong]), now)).toThrow(SignatureError);
      }),
      { numRuns: 100 },
    );
  });
});
