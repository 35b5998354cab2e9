import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../errors/http-errors';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

export function hmac(algorithm: HmacAlgorithm, key: string | Buffer, content: Buffer | string): Buffer {
  return createHmac(algorithm, key).update(content).digest();
}

export function sha256Hex(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Decode a received digest. Returns undefined for text that is not strictly in the encoding,
 * so a malformed signature can never be coerced into a match.
 */
export function decodeDigest(text: string, encoding: DigestEncoding): Buffer | undefined {
  const pattern = encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})+$/ : /^[A-Za-z0-9+/_-]+={0,2}$/;
  if (!pattern.test(text)) return undefined;
  return Buffer.from(text, encoding === 'hex' ? 'hex' : 'base64');
}

/** The one digest a provider sends in `name` (lower-case): missing and malformed are refused. */
export function digestHeader(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
  encoding: DigestEncoding,
): Buffer {
  const header = headers[name]?.trim();
  if (!header) throw new SignatureError('missing_signature', `missing ${name} header`);
  const digest = decodeDigest(header, encoding);
  if (!digest) throw new SignatureError('malformed_signature', `${name} is not ${encoding}`);
  return digest;
}

/** Constant-time comparison; lengths are compared first because timingSafeEqual requires it. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Try every (secret, candidate signature) pair and return the index of the secret that matched.
 * Every pair is compared, so the time taken does not reveal which secret matched.
 */
export function matchAnySecret(
  secrets: readonly string[],
  candidates: readonly Buffer[],
  expectedFor: (secret: string) => Buffer,
): number {
  let matched = -1;
  secrets.forEach((secret, index) => {
    const expected = expectedFor(secret);
    for (const candidate of candidates) {
      if (safeEqual(expected, candidate) && matched === -1) matched = index;
    }
  });
  if (matched === -1) {
    throw new SignatureError('no_matching_signature', 'signature does not match any configured secret');
  }
  return matched;
}

/** Reject timestamps outside the tolerance, in both directions (too old and too far ahead). */
export function checkTimestamp(signedAt: Date, now: Date, toleranceSeconds: number): void {
  // An unrepresentable time would make every comparison below false, i.e. pass the window.
  if (Number.isNaN(signedAt.getTime())) throw new SignatureError('malformed_timestamp', 'timestamp is out of range');
  const skew = (now.getTime() - signedAt.getTime()) / 1000;
  if (skew > toleranceSeconds) {
    throw new SignatureError('timestamp_too_old', `timestamp is ${Math.round(skew)} s old; tolerance is ${toleranceSeconds} s`);
  }
  if (-skew > toleranceSeconds) {
    throw new SignatureError(
      'timestamp_in_future',
      `timestamp is ${Math.round(-skew)} s in the future; tolerance is ${toleranceSeconds} s`,
    );
  }
}

/** Parse a unix timestamp in seconds (or milliseconds), strictly digits. */
export function parseUnixTimestamp(text: string | undefined, unit: 's' | 'ms' = 's'): Date {
  if (text === undefined || text === '') {
    throw new SignatureError('missing_timestamp', 'timestamp is missing');
  }
  if (!/^\d{1,16}$/.test(text.trim())) {
    throw new SignatureError('malformed_timestamp', 'timestamp is not a unix time');
  }
  const n = Number(text.trim());
  return new Date(unit === 's' ? n * 1000 : n);
}

/**
 * Parse a `key=value` list holding one timestamp and any number of hex signatures, as Stripe
 * (`t=..,v1=..`) and Paddle (`ts=..;h1=..`) send it. Entries with other keys are ignored (Stripe's
 * test-mode `v0`); signatures that are not hex of `digestBytes` are dropped so they can never match.
 * Two different timestamps are refused: we could not tell which one the sender signed.
 */
export function parseTimestampedSignatures(
  header: string,
  scheme: { separator: RegExp; timestampKey: string; signatureKey: string; digestBytes: number },
): { timestamp: string | undefined; signatures: Buffer[] } {
  const timestamps = new Set<string>();
  const signatures: Buffer[] = [];
  for (const item of header.split(scheme.separator)) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === scheme.timestampKey) timestamps.add(value);
    else if (key === scheme.signatureKey) {
      const digest = decodeDigest(value, 'hex');
      if (digest?.length === scheme.digestBytes) signatures.push(digest);
    }
  }
  if (timestamps.size > 1) {
    throw new SignatureError('malformed_timestamp', `more than one distinct ${scheme.timestampKey}= in the header`);
  }
  return { timestamp: [...timestamps][0], signatures };
}

/**
 * Verify a `key=value` signature header with a signed timestamp (Stripe, Paddle): parse it, check
 * the timestamp against the window in both directions (unlike Stripe's SDK, a far-future `t` would
 * otherwise extend the replay window), then match every signature against every secret.
 */
export function verifyTimestampedHmacHeader(
  header: string | undefined,
  scheme: { name: string; separator: RegExp; timestampKey: string; signatureKey: string; digestBytes: number },
  signedContent: (timestamp: string) => Buffer,
  { secrets, toleranceSeconds }: { secrets: readonly string[]; toleranceSeconds: number },
  now: Date,
): { secretIndex: number; signedAt: Date } {
  if (!header) throw new SignatureError('missing_signature', `missing ${scheme.name} header`);
  const { timestamp, signatures } = parseTimestampedSignatures(header, scheme);
  if (signatures.length === 0) {
    throw new SignatureError('malformed_signature', `${scheme.name} holds no ${scheme.signatureKey}=<hex sha256> signature`);
  }
  const signedAt = parseUnixTimestamp(timestamp);
  checkTimestamp(signedAt, now, toleranceSeconds);
  const content = signedContent(timestamp as string);
  const secretIndex = matchAnySecret(secrets, signatures, (secret) => hmac('sha256', secret, content));
  return { secretIndex, signedAt };
}
