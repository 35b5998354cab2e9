import { createHash, createHmac, createPrivateKey, randomBytes, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { signStandardWebhook } from '../../forward/standard-webhook-signature';
import { hmac } from '../crypto';
import { basicHeader } from '../schemes/basic-credentials';
import { signedContent } from '../schemes/signed-content';
import type { WebhookRequest } from '../types';
import type { Scheme, SignatureSpec, TimestampSpec } from './preset';

/**
 * Sign a request exactly as the provider would, for `hookflow send` and tests. `secret` is what
 * the sender holds: the shared secret, or for public-key schemes the PRIVATE key (PEM, base64
 * PKCS#8 DER or a JWK).
 */
export interface SignInput {
  readonly body: Buffer;
  readonly contentType: string;
  readonly url: string;
  readonly secret: string;
  readonly now: Date;
  /** Headers the preset adds (IDs, type), signed where the scheme covers them. */
  readonly headers: Record<string, string>;
  readonly options: Record<string, unknown>;
}

export function privateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
  if (trimmed.startsWith('{')) return createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' });
  return createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
}

function timestampText(spec: TimestampSpec, now: Date): string {
  if (spec.unit === 'iso') return now.toISOString();
  return String(spec.unit === 'ms' ? now.getTime() : Math.floor(now.getTime() / 1000));
}

function encode(digest: Buffer, spec: SignatureSpec): string {
  return digest.toString(spec.encoding === 'hex' ? 'hex' : spec.encoding);
}

export function signScheme(scheme: Scheme, input: SignInput): { headers: Record<string, string>; body: Buffer; url: string } {
  const headers: Record<string, string> = { 'content-type': input.contentType, ...input.headers };
  let { body, url } = input;
  switch (scheme.kind) {
    case 'hmac':
    case 'publickey': {
      const timestamp = scheme.timestamp ? timestampText(scheme.timestamp, input.now) : undefined;
      if (scheme.timestamp && timestamp !== undefined && scheme.timestamp.from.startsWith('header:')) {
        headers[scheme.timestamp.from.slice(7).toLowerCase()] = timestamp;
      }
      const signUrl = typeof input.options.url === 'string' ? input.options.url + (url.includes('?') ? url.slice(url.indexOf('?')) : '') : url;
      const req: WebhookRequest = { rawBody: body, headers, url: signUrl, contentType: input.contentType, method: 'POST' };
      const content = signedContent(scheme.signed, scheme.separator ?? '', { req, timestamp, url: signUrl, options: input.options });
      let digest: Buffer;
      if (scheme.kind === 'hmac') digest = hmac(scheme.algorithm, input.secret, content);
      else {
        const key = privateKey(input.secret);
        digest = scheme.algorithm === 'ed25519' ? sign(null, content, key) : sign('sha256', content, key);
      }
      const spec = scheme.signature;
      headers[spec.header] =
        'kv' in spec
          ? `${spec.kv.timestampKey}=${timestamp}${spec.kv.separator}${spec.kv.signatureKey}=${encode(digest, spec)}`
          : `${spec.prefix ?? ''}${encode(digest, spec)}`;
      break;
    }
    case 'standard-webhooks': {
      const family = headers['svix-id'] ? 'svix' : 'webhook';
      const id = headers[`${family}-id`] ?? `msg_${randomBytes(16).toString('hex')}`;
      const timestamp = Math.floor(input.now.getTime() / 1000);
      headers[`${family}-id`] = id;
      headers[`${family}-timestamp`] = String(timestamp);
      headers[`${family}-signature`] = signStandardWebhook({ secrets: [input.secret], id, timestamp, body });
      break;
    }
    case 'token': {
      const token = scheme.option === undefined ? input.secret : String(input.options[scheme.option] ?? '');
      const value = `${scheme.prefix ?? ''}${token}`;
      if (scheme.each) {
        // The sample's items already carry the field; fill it with the token.
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        const field = scheme.from.slice(5);
        const items = (parsed[scheme.each] as Record<string, unknown>[]).map((item) => ({ ...item, [field]: value }));
        body = Buffer.from(JSON.stringify({ ...parsed, [scheme.each]: items }));
        break;
      }
      const [kind, name] = [scheme.from.slice(0, scheme.from.indexOf(':')), scheme.from.slice(scheme.from.indexOf(':') + 1)];
      if (kind === 'header') headers[name.toLowerCase()] = value;
      else if (kind === 'query') url += `${url.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
      else {
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        body = Buffer.from(JSON.stringify({ ...parsed, [name]: value }));
      }
      break;
    }
    case 'basic':
      headers.authorization = basicHeader(input.secret);
      break;
    case 'jwt': {
      const alg = scheme.algorithms[0];
      const t = Math.floor(input.now.getTime() / 1000);
      const claims: Record<string, unknown> = { iat: t, exp: t + 300 };
      const issuer = (input.options.issuer as string | undefined) ?? scheme.issuer;
      if (issuer) claims.iss = issuer;
      if (typeof input.options.audience === 'string') claims.aud = input.options.audience;
      if (scheme.bodySha256Claim) claims[scheme.bodySha256Claim] = createHash('sha256').update(body).digest('hex');
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const signingInput = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
      let signature: Buffer;
      if (alg === 'HS256') signature = createHmac('sha256', input.secret).update(signingInput).digest();
      else {
        const key = privateKey(input.secret);
        signature =
          alg === 'EdDSA'
            ? sign(null, Buffer.from(signingInput), key)
            : sign('sha256', Buffer.from(signingInput), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
      }
      const token = `${signingInput}.${signature.toString('base64url')}`;
      headers[scheme.from.slice(7).toLowerCase()] = `${scheme.prefix ?? ''}${token}`;
      break;
    }
  }
  return { headers, body, url };
}
