import { SignatureError } from '../errors/http-errors';
import { checkTimestamp, decodeDigest, hmac, matchAnySecret, parseUnixTimestamp } from './crypto';
import type { Verification, WebhookRequest } from './types';

/**
 * Slack and Zoom sign alike: `v0=<hex HMAC-SHA256(secret, "v0:<timestamp>:<raw body>")>`, with
 * the unix timestamp in a header of its own. Only the header names differ.
 */
export interface V0Headers {
  readonly signature: string;
  readonly timestamp: string;
  /** Slack may list several signatures (space or comma separated); Zoom sends exactly one. */
  readonly several: boolean;
}

export function v0SignedContent(timestamp: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`v0:${timestamp}:`), body]);
}

/** The header value a sender would put in the signature header. */
export function v0Signature(secret: string, timestamp: string, body: Buffer): string {
  return `v0=${hmac('sha256', secret, v0SignedContent(timestamp, body)).toString('hex')}`;
}

/** The `v0=` signatures in the header, each a 32-byte hex digest. */
function v0Candidates(req: WebhookRequest, headers: V0Headers): Buffer[] {
  const header = req.headers[headers.signature]?.trim();
  if (!header) throw new SignatureError('missing_signature', `missing ${headers.signature} header`);
  const candidates = (headers.several ? header.split(/[\s,]+/) : [header])
    .filter((s) => s.startsWith('v0='))
    .map((s) => decodeDigest(s.slice(3), 'hex'))
    .filter((b): b is Buffer => b?.length === 32);
  if (candidates.length === 0) {
    throw new SignatureError('malformed_signature', `${headers.signature} holds no v0=<hex sha256> signature`);
  }
  return candidates;
}

/** Which secret signed the request, without the timestamp window (Zoom's handshake re-checks). */
export function matchV0Secret(req: WebhookRequest, headers: V0Headers, secrets: readonly string[]): number {
  return matchV0(req, headers, secrets, v0Candidates(req, headers));
}

function matchV0(req: WebhookRequest, headers: V0Headers, secrets: readonly string[], candidates: Buffer[]): number {
  const content = v0SignedContent(req.headers[headers.timestamp]?.trim() ?? '', req.rawBody);
  return matchAnySecret(secrets, candidates, (secret) => hmac('sha256', secret, content));
}

/** Signature format, then the timestamp window (both directions), then the secrets. */
export function verifyV0(
  req: WebhookRequest,
  headers: V0Headers,
  { secrets, toleranceSeconds }: { secrets: readonly string[]; toleranceSeconds: number },
  now: Date,
): Verification {
  const candidates = v0Candidates(req, headers);
  const signedAt = parseUnixTimestamp(req.headers[headers.timestamp]?.trim());
  checkTimestamp(signedAt, now, toleranceSeconds);
  return { secretIndex: matchV0(req, headers, secrets, candidates), signedAt };
}
