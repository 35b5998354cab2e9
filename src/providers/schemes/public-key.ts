import { createPublicKey, verify, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * Public-key signatures a provider's key checks (Discord's Ed25519, SendGrid's ECDSA P-256,
 * PayPal's RSA): pure functions over node:crypto, no network. Keys are configured as PEM (a
 * public key or an X.509 certificate), a JWK as JSON text, base64 SPKI DER, or for Ed25519 the
 * 32-byte raw key in hex as Discord shows it.
 */
export type PublicKeyAlgorithm = 'ed25519' | 'ecdsa-p256' | 'rsa-sha256';
export const PUBLIC_KEY_ALGORITHMS: readonly PublicKeyAlgorithm[] = ['ed25519', 'ecdsa-p256', 'rsa-sha256'];

/** SPKI DER header of an Ed25519 key (RFC 8410): the raw 32 bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const cache = new Map<string, KeyObject>();
const MAX_CACHED = 256;

function decode(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN CERTIFICATE')) return new X509Certificate(trimmed).publicKey;
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  if (trimmed.startsWith('{')) return createPublicKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' });
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(trimmed, 'hex')]), format: 'der', type: 'spki' });
  }
  return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
}

function fits(key: KeyObject, algorithm: PublicKeyAlgorithm): boolean {
  if (algorithm === 'ed25519') return key.asymmetricKeyType === 'ed25519';
  if (algorithm === 'ecdsa-p256') return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
}

/**
 * The configured key, parsed once. Throws an Error naming the problem (not the key): a broken
 * configured key is the operator's, so it is found at load (`publicKeyProblem`), never per request.
 */
export function publicKey(text: string, algorithm: PublicKeyAlgorithm): KeyObject {
  const id = `${algorithm}\n${text}`;
  const cached = cache.get(id);
  if (cached) return cached;
  let key: KeyObject;
  try {
    key = decode(text);
  } catch {
    throw new Error('not a PEM key or certificate, a JWK, base64 SPKI DER or a hex Ed25519 key');
  }
  if (!fits(key, algorithm)) throw new Error(`not an ${algorithm} public key${algorithm === 'rsa-sha256' ? ' of at least 2048 bits' : ''}`);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(id, key);
  return key;
}

export function publicKeyProblem(text: string, algorithm: PublicKeyAlgorithm): string | undefined {
  try {
    publicKey(text, algorithm);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * True when `signature` over `content` verifies with `key`; false for any malformed signature,
 * never a throw. ECDSA signatures are accepted as DER or as the 64-byte r||s of JOSE and WebCrypto.
 */
export function verifyPublicKeySignature(algorithm: PublicKeyAlgorithm, key: KeyObject, content: Buffer, signature: Buffer): boolean {
  try {
    if (algorithm === 'ed25519') return signature.length === 64 && verify(null, content, key, signature);
    if (algorithm === 'ecdsa-p256') {
      return verify('sha256', content, { key, dsaEncoding: signature.length === 64 ? 'ieee-p1363' : 'der' }, signature);
    }
    return verify('sha256', content, key, signature);
  } catch {
    return false;
  }
}

/** Index of the first key that verifies; every key is tried, as with HMAC rotation. -1 for none. */
export function matchPublicKey(
  algorithm: PublicKeyAlgorithm,
  keys: readonly string[],
  content: Buffer,
  signatures: readonly Buffer[],
): number {
  let matched = -1;
  keys.forEach((text, index) => {
    const key = publicKey(text, algorithm);
    for (const signature of signatures) {
      if (verifyPublicKeySignature(algorithm, key, content, signature) && matched === -1) matched = index;
    }
  });
  return matched;
}
