import { createHash, createHmac, createPublicKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignatureError } from '../../errors/http-errors';
import { safeEqual } from '../crypto';
import { verifyPublicKeySignature, type PublicKeyAlgorithm } from './public-key';

/**
 * A JWS-compact JWT reader and verifier on node:crypto (RFC 7515/7519): HS256, RS256, ES256,
 * EdDSA. Keys are an HS256 secret (text), PEM (key or certificate), or a JWK as JSON text. The
 * algorithm must be one the source allows AND fit the key's type, so a token can never choose
 * how it is checked (no `none`, no RS256 public key used as an HMAC secret).
 */
export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256' | 'EdDSA';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256', 'EdDSA'];

export interface Jwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const MAX_TOKEN = 16_384;

function object(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The three parts of a compact JWT, or undefined for anything else. Never throws. */
export function readJwt(token: unknown): Jwt | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p)) || parts[0] === '' || parts[1] === '') return undefined;
  const header = object(parts[0]);
  const claims = object(parts[1]);
  if (!header || !claims) return undefined;
  return { header, claims, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], 'base64url') };
}

type Key = { readonly kind: 'secret'; readonly secret: Buffer; readonly kid?: string } | { readonly kind: 'public'; readonly key: KeyObject; readonly kid?: string; readonly alg?: string };

const cache = new Map<string, Key>();

/** Parse a configured key; throws an Error naming what is wrong (never the key) at load. */
export function jwtKey(text: string): Key {
  const cached = cache.get(text);
  if (cached) return cached;
  const trimmed = text.trim();
  let key: Key;
  try {
    if (trimmed.startsWith('-----BEGIN CERTIFICATE')) key = { kind: 'public', key: new X509Certificate(trimmed).publicKey };
    else if (trimmed.startsWith('-----BEGIN')) key = { kind: 'public', key: createPublicKey(trimmed) };
    else if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as JsonWebKey & { kid?: string; alg?: string };
      const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
      if (jwk.kty === 'oct') {
        if (typeof jwk.k !== 'string') throw new Error('an oct JWK needs k');
        key = { kind: 'secret', secret: Buffer.from(jwk.k, 'base64url'), kid };
      } else key = { kind: 'public', key: createPublicKey({ key: jwk, format: 'jwk' }), kid, alg: jwk.alg };
    } else key = { kind: 'secret', secret: Buffer.from(text) };
  } catch (error) {
    throw new Error(`not an HS256 secret, a PEM public key or certificate, or a JWK (${(error as Error).message.split('\n')[0]})`);
  }
  if (cache.size >= 256) cache.clear();
  cache.set(text, key);
  return key;
}

/** What is wrong with a configured key, including one no allowed algorithm can use (a secret for an ES256-only source). */
export function jwtKeyProblem(text: string, algorithms: readonly JwtAlgorithm[] = JWT_ALGORITHMS): string | undefined {
  let key: Key;
  try {
    key = jwtKey(text);
  } catch (error) {
    return (error as Error).message;
  }
  if (algorithms.some((alg) => fits(key, alg))) return undefined;
  const what = key.kind === 'secret' ? 'an HS256 secret' : `a ${key.key.asymmetricKeyType} public key`;
  return `${what}, which none of ${algorithms.join(', ')} can use`;
}

const PUBLIC: Record<Exclude<JwtAlgorithm, 'HS256'>, PublicKeyAlgorithm> = { RS256: 'rsa-sha256', ES256: 'ecdsa-p256', EdDSA: 'ed25519' };

function fits(key: Key, alg: JwtAlgorithm): boolean {
  if (alg === 'HS256') return key.kind === 'secret';
  if (key.kind !== 'public' || (key.alg !== undefined && key.alg !== alg)) return false;
  const type = key.key.asymmetricKeyType;
  if (alg === 'RS256') return type === 'rsa';
  if (alg === 'ES256') return type === 'ec' && key.key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  return type === 'ed25519';
}

function signatureValid(key: Key, alg: JwtAlgorithm, jwt: Jwt): boolean {
  if (key.kind === 'secret') return safeEqual(createHmac('sha256', key.secret).update(jwt.signingInput).digest(), jwt.signature);
  // JOSE ES256 signatures are the 64-byte r||s, never DER.
  if (alg === 'ES256' && jwt.signature.length !== 64) return false;
  return verifyPublicKeySignature(PUBLIC[alg as Exclude<JwtAlgorithm, 'HS256'>], key.key, jwt.signingInput, jwt.signature);
}

export interface JwtPolicy {
  readonly algorithms: readonly JwtAlgorithm[];
  readonly issuer?: string;
  readonly audience?: string;
  /** Clock skew allowed on exp/nbf/iat, and the oldest `iat` accepted when `maxAgeSeconds` is set. */
  readonly toleranceSeconds: number;
  /** Refuse a token whose `iat` is older than this (Plaid: 5 minutes); requires `iat`. */
  readonly maxAgeSeconds?: number;
  /** A claim that must hold the hex SHA-256 of the raw body (Plaid `request_body_sha256`, Netlify `sha256`). */
  readonly bodySha256Claim?: string;
}

function numericClaim(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SignatureError('malformed_timestamp', `JWT ${name} is not a number`);
  return value;
}

/** Check exp, nbf and iat against now (both directions), then issuer, audience and body hash. */
function checkClaims(claims: Record<string, unknown>, policy: JwtPolicy, now: Date, body: Buffer): void {
  const t = now.getTime() / 1000;
  const tol = policy.toleranceSeconds;
  const exp = numericClaim(claims, 'exp');
  const nbf = numericClaim(claims, 'nbf');
  const iat = numericClaim(claims, 'iat');
  if (exp !== undefined && t > exp + tol) throw new SignatureError('timestamp_too_old', `JWT expired ${Math.round(t - exp)} s ago`);
  if (nbf !== undefined && nbf - tol > t) throw new SignatureError('timestamp_in_future', 'JWT is not valid yet (nbf)');
  if (iat !== undefined && iat - tol > t) throw new SignatureError('timestamp_in_future', `JWT iat is ${Math.round(iat - t)} s in the future`);
  if (policy.maxAgeSeconds !== undefined) {
    if (iat === undefined) throw new SignatureError('missing_timestamp', 'JWT has no iat');
    if (t - iat > policy.maxAgeSeconds) {
      throw new SignatureError('timestamp_too_old', `JWT iat is ${Math.round(t - iat)} s old; tolerance is ${policy.maxAgeSeconds} s`);
    }
  }
  if (policy.issuer !== undefined && claims.iss !== policy.issuer) throw new SignatureError('claim_mismatch', 'JWT iss is not the configured issuer');
  if (policy.audience !== undefined) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(policy.audience)) throw new SignatureError('claim_mismatch', 'JWT aud does not include the configured audience');
  }
  if (policy.bodySha256Claim !== undefined) {
    const claimed = claims[policy.bodySha256Claim];
    const actual = createHash('sha256').update(body).digest('hex');
    if (typeof claimed !== 'string' || !safeEqual(Buffer.from(claimed.toLowerCase()), Buffer.from(actual))) {
      throw new SignatureError('body_hash_mismatch', `JWT ${policy.bodySha256Claim} is not the SHA-256 of the body`);
    }
  }
}

/**
 * Verify `token` with any of `keys` under `policy`. The signature is checked before any claim is
 * trusted. Returns the index of the key that verified and the claims; throws SignatureError.
 */
export function verifyJwt(
  token: string | undefined,
  keys: readonly string[],
  policy: JwtPolicy,
  now: Date,
  body: Buffer,
): { keyIndex: number; claims: Record<string, unknown> } {
  if (!token) throw new SignatureError('missing_signature', 'missing JWT');
  const jwt = readJwt(token);
  if (!jwt) throw new SignatureError('malformed_signature', 'not a compact JWT (header.claims.signature)');
  const alg = jwt.header.alg;
  if (typeof alg !== 'string' || !policy.algorithms.includes(alg as JwtAlgorithm)) {
    throw new SignatureError('malformed_signature', `JWT alg ${JSON.stringify(alg)} is not one of ${policy.algorithms.join(', ')}`);
  }
  const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : undefined;
  let keyIndex = -1;
  keys.forEach((text, index) => {
    const key = jwtKey(text);
    // A key with a kid answers only tokens naming it; keys without one are tried for any token.
    if (kid !== undefined && key.kid !== undefined && key.kid !== kid) return;
    if (fits(key, alg as JwtAlgorithm) && signatureValid(key, alg as JwtAlgorithm, jwt) && keyIndex === -1) keyIndex = index;
  });
  if (keyIndex === -1) throw new SignatureError('no_matching_signature', 'JWT signature does not verify with any configured key');
  checkClaims(jwt.claims, policy, now, body);
  return { keyIndex, claims: jwt.claims };
}
