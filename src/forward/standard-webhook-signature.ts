import { hmac } from '../providers/crypto';

/**
 * The Standard Webhooks symmetric scheme, shared by the receiving provider and by forwarding:
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */

const SECRET_PREFIX = 'whsec_';

/**
 * The spec's key size for HMAC: "At least 24 bytes (192 bits, 512 maximum)". We read the maximum
 * in the unit of the parenthesis it sits in, bits, so 64 bytes.
 */
export const MIN_KEY_BYTES = 24;
export const MAX_KEY_BYTES = 64;

/**
 * Standard base64, padded: what the official libraries decode (`@stablelib/base64` throws on
 * anything else), so a secret we accept is one the receiver's library accepts too.
 */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The key is the base64 after `whsec_`; secrets given without the prefix are base64 too. */
export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/**
 * `<id>.<timestamp>.<body>`. The timestamp is taken as text when verifying, so the bytes signed
 * are the bytes received (a zero-padded timestamp must not be normalised away).
 */
export function signedContent(id: string, timestamp: string | number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
}

/**
 * The full `webhook-signature` value: one `v1,` entry per secret, space-separated, so a receiver
 * holding either the old or the new key verifies during a rotation.
 */
export function signStandardWebhook({
  secrets,
  id,
  timestamp,
  body,
}: {
  secrets: readonly string[];
  id: string;
  timestamp: number;
  body: Buffer;
}): string {
  if (secrets.length === 0) throw new TypeError('signStandardWebhook needs at least one secret');
  // Milliseconds or a fraction would sign fine and then never verify; fail where the bug is.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`webhook timestamp must be whole unix seconds, got ${timestamp}`);
  }
  const content = signedContent(id, timestamp, body);
  return secrets
    .map((secret) => `v1,${hmac('sha256', standardWebhookKey(secret), content).toString('base64')}`)
    .join(' ');
}

/**
 * What is wrong with a signing secret, in words fit for a config error, or undefined when it is
 * usable. Never quotes the secret.
 */
export function checkStandardWebhookSecret(secret: string): string | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === '') return secret === '' ? 'is empty' : `has no key after ${SECRET_PREFIX}`;
  if (/\s/.test(encoded)) return 'contains whitespace (a trailing newline from a file or environment variable?)';
  if (!STRICT_BASE64.test(encoded)) {
    return (
      `is not base64 after the optional ${SECRET_PREFIX} prefix ` +
      '(expected A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4 characters)'
    );
  }
  const bytes = Buffer.from(encoded, 'base64').length;
  if (bytes < MIN_KEY_BYTES) return `decodes to ${bytes} bytes; the spec asks for at least ${MIN_KEY_BYTES}`;
  if (bytes > MAX_KEY_BYTES) return `decodes to ${bytes} bytes; the spec allows at most ${MAX_KEY_BYTES}`;
  return undefined;
}
