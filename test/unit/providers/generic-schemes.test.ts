import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, exportJWK, importPKCS8 } from 'jose';
import { SignatureError } from '../../../src/errors/http-errors';
import { basicOptions, basicProvider } from '../../../src/providers/basic';
import { jwtOptions, jwtProvider } from '../../../src/providers/jwt';
import { publickeyOptions, publickeyProvider } from '../../../src/providers/publickey';
import { readBasic } from '../../../src/providers/schemes/basic-credentials';
import { readJwt, verifyJwt } from '../../../src/providers/schemes/jwt';
import { selectorProblem } from '../../../src/providers/schemes/selector';
import { tokenOptions, tokenProvider } from '../../../src/providers/token';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const now = new Date('2026-11-23T10:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const body = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'order.paid' }));
const random = () => randomBytes(18).toString('base64url');

function request(headers: Record<string, string>, raw: Buffer = body, url = 'https://hooks.example.com/webhooks/s'): WebhookRequest {
  return { rawBody: raw, headers, url, contentType: 'application/json', method: 'POST' };
}

describe('token provider', () => {
  const secret = random();
  const settings = (o: Record<string, unknown>, secrets = ['old', secret]) => ({ secrets, toleranceSeconds: 300, options: tokenOptions.parse(o) });

  test.each([
    ['a header', { header: 'X-Token' }, request({ 'x-token': secret })],
    ['a header after its prefix', { header: 'Authorization', prefix: 'Bearer ' }, request({ authorization: `Bearer ${secret}` })],
    ['a query parameter', { query: 'token' }, request({}, body, `https://h/webhooks/s?token=${encodeURIComponent(secret)}`)],
    ['a body field', { field: 'auth.token' }, request({}, Buffer.from(JSON.stringify({ id: 'e', auth: { token: secret } })))],
  ])('verify() accepts the rotated secret in %s', (_n, o, req) => {
    expect(tokenProvider.verify(req, settings(o), now)).toEqual({ secretIndex: 1 });
  });

  test('verify() refuses a wrong, missing or unprefixed token with its reason', () => {
    expect(reason(() => tokenProvider.verify(request({ 'x-token': `${secret}x` }), settings({ header: 'x-token' }), now))).toBe('no_matching_signature');
    expect(reason(() => tokenProvider.verify(request({}), settings({ header: 'x-token' }), now))).toBe('missing_signature');
    const bearer = settings({ header: 'authorization', prefix: 'Bearer ' });
    expect(reason(() => tokenProvider.verify(request({ authorization: secret }), bearer, now))).toBe('malformed_signature');
  });

  test('sign() round-trips, and the options refuse zero or two places', () => {
    const o = tokenOptions.parse({ query: 'key' });
    const signed = tokenProvider.sign({ body, contentType: 'application/json', url: 'https://h/webhooks/s', secret, now }, o);
    expect(tokenProvider.verify(request(signed.headers, signed.body, signed.url), settings({ query: 'key' }), now).secretIndex).toBe(1);
    expect(tokenOptions.safeParse({}).success).toBe(false);
    expect(tokenOptions.safeParse({ header: 'a', query: 'b' }).success).toBe(false);
    expect(tokenOptions.safeParse({ header: 'a', idFrom: 'nope:x' }).success).toBe(false);
  });
});

describe('basic provider', () => {
  const settings = (users: string[]) => ({ secrets: [], toleranceSeconds: 300, options: basicOptions.parse({ users }) });
  const basic = (user: string) => `Basic ${Buffer.from(user).toString('base64')}`;

  test('verify() accepts any configured user and reports which', () => {
    expect(basicProvider.verify(request({ authorization: basic('b:pw2') }), settings(['a:pw1', 'b:pw2']), now)).toEqual({ secretIndex: 1 });
  });

  // Found by the bad-input corpus: 'ada:pw123' is 9 bytes, 12 base64 characters and no padding,
  // and Node's decoder drops a 13th character, so the right credentials plus `x` verified.
  test('verify() refuses the right credentials with a character appended (non-canonical base64)', () => {
    const req = request({ authorization: `${basic('ada:pw123')}x` });
    expect(basicProvider.verify(request({ authorization: basic('ada:pw123') }), settings(['ada:pw123']), now)).toEqual({ secretIndex: 0 });
    expect(reason(() => basicProvider.verify(req, settings(['ada:pw123']), now))).toBe('malformed_signature');
  });

  test.each([
    ['a wrong password', basic('a:nope'), 'no_matching_signature'],
    ['no header', undefined, 'missing_signature'],
    ['a Bearer header', 'Bearer abc', 'malformed_signature'],
    ['credentials without a colon', basic('apw1'), 'malformed_signature'],
    ['non-base64', 'Basic ***', 'malformed_signature'],
  ])('verify() refuses %s', (_n, header, expected) => {
    const req = request(header === undefined ? {} : { authorization: header });
    expect(reason(() => basicProvider.verify(req, settings(['a:pw1']), now))).toBe(expected);
  });

  test('users must be name:password', () => {
    expect(basicOptions.safeParse({ users: ['nocolon'] }).success).toBe(false);
    expect(basicOptions.safeParse({ users: [] }).success).toBe(false);
  });
});

describe('jwt scheme', () => {
  const hsSecret = random();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const pem = (k: { publicKey: import('node:crypto').KeyObject }) => k.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const pkcs8 = (k: { privateKey: import('node:crypto').KeyObject }) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

  async function jwt(alg: string, key: unknown, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
    return new SignJWT({ iat: t, exp: t + 300, ...claims })
      .setProtectedHeader({ alg, ...header })
      .sign(key as never);
  }
  const policy = (o: Partial<Parameters<typeof verifyJwt>[2]> = {}) => ({ algorithms: ['HS256', 'RS256', 'ES256', 'EdDSA'] as const, toleranceSeconds: 60, ...o });

  test('verifies HS256, RS256, ES256 and EdDSA tokens signed by jose, keys as secret, PEM and JWK', async () => {
    const rsJwk = JSON.stringify(await exportJWK(rsa.publicKey));
    const cases: [string, unknown, string][] = [
      ['HS256', new TextEncoder().encode(hsSecret), hsSecret],
      ['RS256', await importPKCS8(pkcs8(rsa), 'RS256'), pem(rsa)],
      ['RS256', rsa.privateKey, rsJwk],
      ['ES256', ec.privateKey, pem(ec)],
      ['ES256', ec.privateKey, JSON.stringify(await exportJWK(ec.publicKey))],
      ['EdDSA', ed.privateKey, pem(ed)],
    ];
    for (const [alg, signingKey, configured] of cases) {
      const token = await jwt(alg, signingKey);
      expect(verifyJwt(token, ['unrelated-secret', configured], policy(), now, body).keyIndex).toBe(1);
    }
  });

  test('the token cannot choose its algorithm: alg none, an RS256 key used as HS256 secret, an alg not allowed', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"iat":${t}}`).toString('base64url')}.`;
    expect(reason(() => verifyJwt(none, [hsSecret], policy(), now, body))).toBe('malformed_signature');
    // HS256 keyed with the public key's PEM text: the classic confusion attack.
    const confused = await jwt('HS256', new TextEncoder().encode(pem(rsa)));
    expect(reason(() => verifyJwt(confused, [pem(rsa)], policy(), now, body))).toBe('no_matching_signature');
    const hs = await jwt('HS256', new TextEncoder().encode(hsSecret));
    expect(reason(() => verifyJwt(hs, [hsSecret], policy({ algorithms: ['RS256'] }), now, body))).toBe('malformed_signature');
  });

  test('exp, iat and nbf are checked both ways at the tolerance plus and minus one second', async () => {
    const key = new TextEncoder().encode(hsSecret);
    const at = async (claims: Record<string, unknown>) => jwt('HS256', key, claims);
    const check = (token: string, o = {}) => () => verifyJwt(token, [hsSecret], policy(o), now, body);
    expect(check(await at({ exp: t - 59 }))()).toBeTruthy();
    expect(reason(check(await at({ exp: t - 61 })))).toBe('timestamp_too_old');
    expect(check(await at({ iat: t + 59 }))()).toBeTruthy();
    expect(reason(check(await at({ iat: t + 61 })))).toBe('timestamp_in_future');
    expect(reason(check(await at({ nbf: t + 61 })))).toBe('timestamp_in_future');
    expect(check(await at({ iat: t - 59 }), { maxAgeSeconds: 60 })()).toBeTruthy();
    expect(reason(check(await at({ iat: t - 61 }), { maxAgeSeconds: 60 }))).toBe('timestamp_too_old');
    expect(reason(check(await at({ exp: 'soon' })))).toBe('malformed_timestamp');
  });

  test('issuer, audience and the body-hash claim', async () => {
    const key = new TextEncoder().encode(hsSecret);
    const hash = require('node:crypto').createHash('sha256').update(body).digest('hex');
    const token = await jwt('HS256', key, { iss: 'netlify', aud: ['a', 'hooks'], sha256: hash });
    expect(verifyJwt(token, [hsSecret], policy({ issuer: 'netlify', audience: 'hooks', bodySha256Claim: 'sha256' }), now, body).keyIndex).toBe(0);
    expect(reason(() => verifyJwt(token, [hsSecret], policy({ issuer: 'other' }), now, body))).toBe('claim_mismatch');
    expect(reason(() => verifyJwt(token, [hsSecret], policy({ audience: 'x' }), now, body))).toBe('claim_mismatch');
    expect(reason(() => verifyJwt(token, [hsSecret], policy({ bodySha256Claim: 'sha256' }), now, Buffer.from(`${body} `)))).toBe('body_hash_mismatch');
  });

  test('a key with a kid answers only tokens naming it', async () => {
    const jwk = JSON.stringify({ ...(await exportJWK(ec.publicKey)), kid: 'k1' });
    expect(verifyJwt(await jwt('ES256', ec.privateKey, {}, { kid: 'k1' }), [jwk], policy(), now, body).keyIndex).toBe(0);
    const other = await jwt('ES256', ec.privateKey, {}, { kid: 'k2' });
    expect(reason(() => verifyJwt(other, [jwk], policy(), now, body))).toBe('no_matching_signature');
  });

  test('the jwt provider reads Authorization: Bearer and round-trips its own signing', () => {
    const o = jwtOptions.parse({ algorithms: ['ES256'], issuer: 'acme', bodySha256Claim: 'body_sha256' });
    const signed = jwtProvider.sign({ body, contentType: 'application/json', url: 'u', secret: pkcs8(ec), now }, o);
    expect(signed.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const settings = { secrets: [pem(ec)], toleranceSeconds: 60, options: o };
    expect(jwtProvider.verify(request(signed.headers), settings, now).secretIndex).toBe(0);
    expect(reason(() => jwtProvider.verify(request(signed.headers, Buffer.from('{}')), settings, now))).toBe('body_hash_mismatch');
    expect(jwtProvider.checkSecret?.('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----', o)).toMatch(/not an HS256 secret/);
  });

  test('property: readJwt and verifyJwt never throw anything but SignatureError, and never verify without the key', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.').replace(/[+/=]/g, '_'))), (token) => {
        expect(() => readJwt(token)).not.toThrow();
        try {
          verifyJwt(token, [hsSecret], policy(), now, body);
          return false; // nothing random verifies
        } catch (error) {
          return error instanceof SignatureError;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('publickey provider', () => {
  const keys = {
    ed25519: generateKeyPairSync('ed25519'),
    'ecdsa-p256': generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    'rsa-sha256': generateKeyPairSync('rsa', { modulusLength: 2048 }),
  };
  const options = (algorithm: string) =>
    publickeyOptions.parse({ algorithm, signatureHeader: 'X-Signature', timestampHeader: 'X-Timestamp', signedContent: ['timestamp', 'literal:.', 'body'] });

  test.each(Object.keys(keys))('%s: a signature made with node:crypto verifies; tampered, stale and future fail', (algorithm) => {
    const pair = keys[algorithm as keyof typeof keys];
    const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const content = Buffer.concat([Buffer.from(`${t}.`), body]);
    const sig = sign(algorithm === 'ed25519' ? null : 'sha256', content, pair.privateKey).toString('base64');
    const settings = { secrets: [publicPem], toleranceSeconds: 300, options: options(algorithm) };
    const headers = { 'x-signature': sig, 'x-timestamp': String(t) };
    expect(publickeyProvider.verify(request(headers), settings, now).secretIndex).toBe(0);
    expect(reason(() => publickeyProvider.verify(request(headers, Buffer.from(`${body} `)), settings, now))).toBe('no_matching_signature');
    expect(reason(() => publickeyProvider.verify(request(headers), settings, new Date(now.getTime() + 301_000)))).toBe('timestamp_too_old');
    expect(reason(() => publickeyProvider.verify(request(headers), settings, new Date(now.getTime() - 301_000)))).toBe('timestamp_in_future');
    expect(publickeyProvider.verify(request(headers), settings, new Date(now.getTime() + 299_000)).secretIndex).toBe(0);
  });

  test('a key of the wrong type is refused at load, and an unsigned timestamp is refused as config', () => {
    const rsaPem = keys['rsa-sha256'].publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(publickeyProvider.checkSecret?.(rsaPem, options('ed25519'))).toMatch(/not an ed25519 public key/);
    expect(publickeyOptions.safeParse({ algorithm: 'ed25519', signatureHeader: 'x', timestampHeader: 'x-ts' }).success).toBe(false);
  });
});

describe('header parsers never throw out of the module', () => {
  test('property: readBasic throws only SignatureError', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        try {
          readBasic(header);
          return header.toLowerCase().startsWith('basic');
        } catch (error) {
          return error instanceof SignatureError;
        }
      }),
    );
  });

  test('property: selectorProblem never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => (selectorProblem(s), true)));
  });
});
