import { SignatureError } from '../../errors/http-errors';
import { checkTimestamp, decodeDigest, hmac, matchAnySecret, parseUnixTimestamp } from '../crypto';
import { standardWebhooksProvider } from '../standard-webhooks';
import { matchBasic } from '../schemes/basic-credentials';
import { verifyJwt } from '../schemes/jwt';
import { matchPublicKey } from '../schemes/public-key';
import { readPath } from '../payload';
import { select } from '../schemes/selector';
import { signedContent } from '../schemes/signed-content';
import { matchToken } from '../schemes/token-match';
import type { SourceSettings, Verification, WebhookRequest } from '../types';
import type { Scheme, SignatureSpec, TimestampSpec } from './preset';

/** The one header that tells which of several schemes a request uses (GitLab). */
export function schemeHeader(scheme: Scheme): string | undefined {
  if (scheme.kind === 'hmac' || scheme.kind === 'publickey') return scheme.signature.header;
  if (scheme.kind === 'standard-webhooks') return 'webhook-signature';
  if (scheme.kind === 'basic') return 'authorization';
  return scheme.from.startsWith('header:') ? scheme.from.slice(7).toLowerCase() : undefined;
}

export function chooseScheme(schemes: readonly Scheme[], req: WebhookRequest): Scheme {
  return (
    schemes.find((s) => {
      const header = schemeHeader(s);
      return header !== undefined && (req.headers[header] !== undefined || (s.kind === 'standard-webhooks' && req.headers['svix-signature'] !== undefined));
    }) ?? schemes[0]
  );
}

interface Signatures {
  readonly candidates: Buffer[];
  /** The timestamp of a kv header, as sent. */
  readonly kvTimestamp?: string;
}

/** Every well-formed signature in the header; malformed entries are dropped so they never match. */
export function readSignatures(req: WebhookRequest, spec: SignatureSpec, digestBytes?: number): Signatures {
  const header = req.headers[spec.header];
  if (header === undefined || header.trim() === '') throw new SignatureError('missing_signature', `missing ${spec.header} header`);
  const encoding = spec.encoding === 'hex' ? 'hex' : 'base64';
  const keep = (b: Buffer | undefined): b is Buffer => b !== undefined && b.length > 0 && (digestBytes === undefined || b.length === digestBytes);
  if ('kv' in spec) {
    const timestamps = new Set<string>();
    const candidates: Buffer[] = [];
    for (const item of header.split(spec.kv.separator)) {
      const eq = item.indexOf('=');
      if (eq < 0) continue;
      const key = item.slice(0, eq).trim();
      const value = item.slice(eq + 1).trim(); // base64 `=` padding stays with the value
      if (key === spec.kv.timestampKey) timestamps.add(value);
      else if (key === spec.kv.signatureKey) {
        const digest = decodeDigest(value, encoding);
        if (keep(digest)) candidates.push(digest);
      }
    }
    if (timestamps.size > 1) throw new SignatureError('malformed_timestamp', `more than one distinct ${spec.kv.timestampKey}= in ${spec.header}`);
    if (candidates.length === 0) throw new SignatureError('malformed_signature', `${spec.header} holds no ${spec.kv.signatureKey}=<${spec.encoding}> signature`);
    return { candidates, kvTimestamp: [...timestamps][0] };
  }
  const prefix = spec.prefix ?? '';
  const entries = spec.list ? header.split(/[\s,]+/) : [header.trim()];
  const candidates = entries
    .filter((e) => e.startsWith(prefix) && e.length > prefix.length)
    .map((e) => decodeDigest(e.slice(prefix.length), encoding))
    .filter(keep);
  if (candidates.length === 0) throw new SignatureError('malformed_signature', `${spec.header} holds no ${prefix}<${spec.encoding}> signature`);
  return { candidates };
}

/** The timestamp text as sent, and its time; missing and malformed are refused, never skipped. */
export function readTimestamp(req: WebhookRequest, spec: TimestampSpec, kvTimestamp: string | undefined, payload?: unknown): { text: string; at: Date } {
  const text = spec.from === 'kv' ? kvTimestamp : select(spec.from, { req, payload });
  if (text === undefined || text === '') throw new SignatureError('missing_timestamp', 'signed timestamp is missing');
  if (spec.unit === 'iso') {
    const at = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(text) ? new Date(text) : new Date(NaN);
    if (Number.isNaN(at.getTime())) throw new SignatureError('malformed_timestamp', 'signed timestamp is not an ISO 8601 time');
    return { text, at };
  }
  return { text, at: parseUnixTimestamp(text, spec.unit) };
}

const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;

/**
 * Verify a request against one scheme: signature format, then the timestamp window (both ways),
 * then every secret. Throws SignatureError; never anything else on malformed input.
 */
export function verifyScheme(
  scheme: Scheme,
  req: WebhookRequest,
  { secrets, toleranceSeconds, options }: SourceSettings<Record<string, unknown>>,
  now: Date,
): Verification {
  switch (scheme.kind) {
    case 'hmac':
    case 'publickey': {
      const { candidates, kvTimestamp } = readSignatures(req, scheme.signature, scheme.kind === 'hmac' ? DIGEST_BYTES[scheme.algorithm] : undefined);
      let signedAt: Date | undefined;
      let timestamp: string | undefined;
      // A body timestamp is read from the parsed body only after the signature covers it (below).
      if (scheme.timestamp && !scheme.timestamp.from.startsWith('body:')) {
        const read = readTimestamp(req, scheme.timestamp, kvTimestamp);
        ({ text: timestamp, at: signedAt } = read);
        checkTimestamp(signedAt, now, toleranceSeconds);
      }
      const url = typeof options.url === 'string' ? withQuery(options.url, req.url) : undefined;
      const content = signedContent(scheme.signed, scheme.separator ?? '', { req, timestamp, url, options });
      let secretIndex: number;
      if (scheme.kind === 'hmac') {
        secretIndex = matchAnySecret(secrets, candidates, (secret) => hmac(scheme.algorithm, secret, content));
      } else {
        const keys = scheme.keysOption ? ((options[scheme.keysOption] as string[] | undefined) ?? []) : secrets;
        secretIndex = matchPublicKey(scheme.algorithm, keys, content, candidates);
        if (secretIndex === -1) throw new SignatureError('no_matching_signature', 'signature does not verify with any configured public key');
      }
      if (scheme.timestamp?.from.startsWith('body:')) {
        // Checked once the signature covers the body it is read from, and never skipped.
        signedAt = readTimestamp(req, scheme.timestamp, undefined, bodyFor(scheme.timestamp.from, req)).at;
        checkTimestamp(signedAt, now, toleranceSeconds);
      }
      return { secretIndex, ...(signedAt ? { signedAt } : {}) };
    }
    case 'standard-webhooks': {
      // Only whsec_ secrets are signing keys; a GitLab source also lists its plain secret token.
      const keyed = secrets.map((s, i) => [s, i] as const).filter(([s]) => s.startsWith('whsec_'));
      if (keyed.length === 0) throw new SignatureError('no_matching_signature', 'no whsec_ signing key is configured for the signature');
      const result = standardWebhooksProvider.verify(req, { secrets: keyed.map(([s]) => s), toleranceSeconds, options: {} }, now);
      return { ...result, secretIndex: keyed[result.secretIndex][1] };
    }
    case 'token': {
      const expected = scheme.option === undefined ? secrets : [options[scheme.option]].filter((v): v is string => typeof v === 'string');
      const what = scheme.from.replace(':', ' ');
      if (scheme.each) {
        // A batch: every item must carry the token, or the whole delivery is refused.
        const items = readPath(bodyFor(`body:${scheme.each}`, req), scheme.each);
        if (!Array.isArray(items) || items.length === 0) throw new SignatureError('missing_signature', `no ${scheme.each}[] items to check ${what} in`);
        const indexes = items.map((item) => matchToken(select(scheme.from, { req, payload: item }), expected, `${scheme.each}[].${what.slice(5)}`));
        return { secretIndex: indexes[0] };
      }
      let presented = select(scheme.from, { req, payload: bodyFor(scheme.from, req) });
      if (presented !== undefined && scheme.prefix) {
        if (!presented.startsWith(scheme.prefix)) throw new SignatureError('malformed_signature', `${scheme.from} does not start with ${scheme.prefix.trim()}`);
        presented = presented.slice(scheme.prefix.length);
      }
      return { secretIndex: matchToken(presented, expected, what) };
    }
    case 'basic': {
      const users = Array.isArray(options.users) ? (options.users as string[]) : secrets;
      return { secretIndex: matchBasic(req.headers.authorization, users) };
    }
    case 'jwt': {
      let token = select(scheme.from, { req, payload: bodyFor(scheme.from, req) });
      if (token !== undefined && scheme.prefix) {
        if (!token.toLowerCase().startsWith(scheme.prefix.toLowerCase())) throw new SignatureError('malformed_signature', `${scheme.from} does not start with ${scheme.prefix.trim()}`);
        token = token.slice(scheme.prefix.length).trim();
      }
      const { keyIndex, claims } = verifyJwt(
        token,
        secrets,
        {
          algorithms: scheme.algorithms,
          issuer: (options.issuer as string | undefined) ?? scheme.issuer,
          audience: options.audience as string | undefined,
          toleranceSeconds,
          ...(scheme.maxAge ? { maxAgeSeconds: toleranceSeconds } : {}),
          ...(scheme.bodySha256Claim ? { bodySha256Claim: scheme.bodySha256Claim } : {}),
        },
        now,
        req.rawBody,
      );
      const iat = typeof claims.iat === 'number' ? new Date(claims.iat * 1000) : undefined;
      return { secretIndex: keyIndex, ...(iat ? { signedAt: iat } : {}) };
    }
  }
}

/** A configured public URL, with the request's own query string (Twilio's `url` convention). */
function withQuery(base: string, requestUrl: string): string {
  const q = requestUrl.indexOf('?');
  return q < 0 ? base : base + requestUrl.slice(q);
}

/** A token in the body is read from the body parsed as JSON or form; nothing else is parsed before verify. */
function bodyFor(from: string, req: WebhookRequest): unknown {
  if (!from.startsWith('body:')) return undefined;
  const text = req.rawBody.toString('utf8');
  if (req.contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
