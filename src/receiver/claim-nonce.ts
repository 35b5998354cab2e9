import { BadRequestError, ServiceUnavailableError, SignatureError } from '../errors/http-errors';
import type { Logger } from '../logging/logger';
import type { NonceStore } from '../store/nonce-store';

/** How long past the replay window a token is remembered; after it, its timestamp fails anyway. */
const MARGIN_SECONDS = 60;

/**
 * Bind a provider's single-use token to this event before starting it. The same token with the
 * same event is a redelivery and passes (Temporal dedupes it); with another event it is a replay
 * of a captured signature onto forged data, refused as a signature failure. If the store is
 * unreachable nothing is acknowledged: 503, and the provider retries.
 */
export async function claimNonce(
  nonces: NonceStore,
  source: string,
  nonce: string,
  workflowId: string,
  toleranceSeconds: number,
  now: Date,
  retryAfterSeconds: number,
  logger: Logger,
): Promise<void> {
  // A real token never holds one, and FerretDB over PostgreSQL could not store it.
  if (nonce.includes('\0')) throw new BadRequestError('the signature token contains a NUL character (U+0000)');
  const expiresAt = new Date(now.getTime() + (2 * toleranceSeconds + MARGIN_SECONDS) * 1000);
  let fresh: boolean;
  try {
    fresh = await nonces.claim(`${source}:${nonce}`, workflowId, expiresAt);
  } catch (error) {
    logger.error({ err: error, workflowId, source }, 'cannot record the signature token; answering 503');
    throw new ServiceUnavailableError('the event could not be durably accepted; retry later', retryAfterSeconds);
  }
  if (!fresh) throw new SignatureError('replayed_nonce', 'this signature token was already used for another event');
}
