import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { JSON_TYPE } from './payload';
import { presetProvider } from './presets/preset-provider';
import type { Preset } from './presets/preset';
import type { Provider } from './types';

/**
 * Netlify deploy notifications: `X-Webhook-Signature` is a JWS (HS256, the notification's JWS
 * secret) whose claims are `iss: netlify` and `sha256`, the hex SHA-256 of the body. Netlify puts
 * no `exp` or `iat` in it, so there is no time to check: a replay is stopped by the event ID.
 * https://docs.netlify.com/site-deploys/deploy-notifications/#payload-signature
 *
 * The jwt scheme verifies it; only the signer is Netlify's own, for `hookflow send` to send the
 * token Netlify sends (the generic signer adds iat/exp).
 */
export const netlifyPreset: Preset = {
  name: 'netlify',
  spec: 'Netlify deploy notifications: X-Webhook-Signature, a JWS (HS256) with iss=netlify and sha256 = hex SHA-256 of the body; https://docs.netlify.com/site-deploys/deploy-notifications/',
  scheme: { kind: 'jwt', from: 'header:x-webhook-signature', algorithms: ['HS256'], issuer: 'netlify', bodySha256Claim: 'sha256' },
  // A deploy's id is shared by each of its notifications (created, building, ready): the
  // state tells them apart, so the ID is both.
  id: '{body:id}:{body:state}',
  type: 'body:state',
  occurredAt: { from: 'body:updated_at', unit: 'iso' },
  sample: (type, now) => ({
    contentType: JSON_TYPE,
    body: Buffer.from(
      JSON.stringify({
        id: randomBytes(12).toString('hex'),
        site_id: randomUUID(),
        build_id: randomBytes(12).toString('hex'),
        state: type ?? 'ready',
        name: 'hookflow-docs',
        url: 'https://hookflow-docs.netlify.app',
        branch: 'main',
        context: 'production',
        commit_ref: randomBytes(20).toString('hex'),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      }),
    ),
  }),
};

/** The token Netlify sends for `body`. */
export function netlifySignature(body: Buffer, secret: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'netlify', sha256: createHash('sha256').update(body).digest('hex') })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const base = presetProvider(netlifyPreset);

export const netlifyProvider: Provider<Record<string, unknown>> = {
  ...base,
  sign: ({ body, contentType, url, secret }) => ({ headers: { 'content-type': contentType, 'x-webhook-signature': netlifySignature(body, secret) }, body, url, contentType }),
};
