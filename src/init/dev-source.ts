import { randomBytes } from 'node:crypto';
import { resolveConfig } from '../config/load-config';
import { verifyWebhook } from '../providers/verify-webhook';
import { providerNames, providers } from '../providers/registry';

/** A source as hookflow.config.json holds it. */
export type SourceEntry = Record<string, unknown> & { provider: string; secrets: string[] };

/** The generic HMAC provider needs to be told its header and encoding; these match `hookflow send`. */
const PROVIDER_FIELDS: Readonly<Record<string, Record<string, unknown>>> = {
  hmac: { signatureHeader: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', idField: 'id', typeField: 'type' },
};

/** Providers whose real secrets are `whsec_<base64 key>` (Standard Webhooks, the Svix-based ones). */
const WHSEC_BASE64 = new Set(['standard-webhooks', 'clerk', 'resend']);

/**
 * Secret shapes to try, in order, for a generated development secret: what the provider hands
 * out where we know it (Stripe's `whsec_...`, Standard Webhooks' `whsec_<base64>`), else 32
 * random bytes as hex, else `whsec_<base64>` (the presets that skip any other secret).
 */
function secretCandidates(provider: string): string[] {
  const bytes = randomBytes(32);
  if (provider === 'stripe') return [`whsec_${bytes.toString('hex')}`];
  const whsec = `whsec_${bytes.toString('base64')}`;
  return WHSEC_BASE64.has(provider) ? [whsec] : [bytes.toString('hex'), whsec];
}

/**
 * A source for `provider` with a fresh, crypto-random development secret, or undefined when
 * hookflow cannot make one up: providers verified with public keys (discord, sendgrid, ...),
 * credentials in options (basic, token), or further required options. A candidate counts only
 * once a sample signed with it, as `hookflow send` signs, verifies, so a scaffold always works.
 */
export function devSource(provider: string): SourceEntry | undefined {
  const implementation = providers[provider];
  if (!implementation || implementation.needsSecrets === false) return undefined;
  for (const secret of secretCandidates(provider)) {
    const source: SourceEntry = { provider, secrets: [secret], ...PROVIDER_FIELDS[provider] };
    if (roundTrips(source)) return source;
  }
  return undefined;
}

/** Providers `hookflow init --provider` can scaffold. */
export function initProviders(): string[] {
  return providerNames().filter((name) => devSource(name) !== undefined);
}

function roundTrips(source: SourceEntry): boolean {
  try {
    const config = resolveConfig({ sources: { dev: source }, routes: [] }, 'hookflow.config.json');
    const { provider, settings } = config.sources.get('dev')!;
    const now = new Date();
    const sample = provider.sample(undefined, now);
    const url = 'http://127.0.0.1:3000/webhooks/dev';
    const signed = provider.sign({ ...sample, url, secret: settings.secrets[0]!, now }, settings.options);
    const { provider: name, secrets, ...options } = source;
    verifyWebhook({
      provider: name,
      rawBody: signed.body,
      headers: { 'content-type': signed.contentType, ...signed.headers },
      url: signed.url,
      secrets,
      options,
      now,
    });
    return true;
  } catch {
    return false;
  }
}
