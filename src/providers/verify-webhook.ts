import { parsePayload } from './payload';
import { providerNames, providers } from './registry';
import type { EventIdentity, Verification, WebhookRequest } from './types';

export interface VerifyWebhookInput {
  /** A provider name, as a source's `provider` field takes it: `stripe`, `github`, `hmac`, ... */
  readonly provider: string;
  /** The body exactly as received: verify before any parsing or re-serializing. */
  readonly rawBody: Buffer | string;
  /** The request headers, in any case; repeated ones as an array (Node's `req.headers` as is). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The full public URL the provider called, for the providers that sign it (Twilio, Square). */
  readonly url?: string;
  /** Secrets (or public keys) in rotation order; any one verifies. */
  readonly secrets: readonly string[];
  /** Allowed clock distance of a signed timestamp, in seconds; default the provider's own, else 300. */
  readonly toleranceSeconds?: number;
  /** The provider's own fields of a source in hookflow.config.json (`signatureHeader`, ...). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Now, for the timestamp check; tests pass a fixed one. */
  readonly now?: Date;
}

export interface VerifiedWebhook extends Verification, EventIdentity {
  /** The parsed body: JSON, or the form's fields. */
  readonly payload: unknown;
}

/**
 * Verify one webhook request exactly as hookflow's receiver does, in your own code: the
 * signature on the raw bytes (constant time, timestamps checked both ways), then the event's ID
 * and type. Throws SignatureError (`status` 401, `reason`) for a missing, wrong or stale
 * signature and BadRequestError (400) for a body without an event ID; an unknown provider or
 * invalid options throw a plain Error, as programming mistakes.
 */
export function verifyWebhook(input: VerifyWebhookInput): VerifiedWebhook {
  const provider = providers[input.provider];
  if (!provider) throw new Error(`unknown provider ${JSON.stringify(input.provider)}; choose one of ${providerNames().join(', ')}`);
  const options = provider.options.safeParse(input.options ?? {});
  if (!options.success) throw new Error(`invalid options for provider ${input.provider}: ${options.error.message}`);
  const settings = {
    secrets: input.secrets,
    toleranceSeconds: input.toleranceSeconds ?? provider.defaultToleranceSeconds ?? 300,
    options: options.data,
  };
  const headers = lowerCaseHeaders(input.headers);
  const req: WebhookRequest = {
    rawBody: Buffer.isBuffer(input.rawBody) ? input.rawBody : Buffer.from(input.rawBody, 'utf8'),
    headers,
    url: input.url ?? 'http://localhost/',
    contentType: (headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase(),
  };
  const verification = provider.verify(req, settings, input.now ?? new Date());
  const payload = parsePayload(req);
  return { ...verification, ...provider.identify(req, payload, settings), payload };
}

/** Header names lower-cased and repeated values joined with ", ", as the receiver sees them. */
function lowerCaseHeaders(headers: VerifyWebhookInput['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = typeof value === 'string' ? value : value.join(', ');
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? joined : `${out[key]}, ${joined}`;
  }
  return out;
}
