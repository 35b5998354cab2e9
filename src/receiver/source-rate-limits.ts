import type { SourceConfig } from '../config/load-config';
import { TooManyRequestsError } from '../errors/http-errors';
import { createTokenBucket, type TokenBucket } from './token-bucket';

/**
 * One token bucket per rate-limited source. The state lives in this process: with N receivers
 * behind a load balancer a source may get up to N times its limit, which is enough to stop one
 * runaway sender from flooding Temporal without a shared store.
 */
export function createSourceRateLimits(sources: Iterable<SourceConfig>, nowMs?: () => number) {
  const buckets = new Map<string, TokenBucket>();
  for (const source of sources) {
    if (source.rateLimit) buckets.set(source.name, createTokenBucket(source.rateLimit, nowMs));
  }
  return {
    /** Spend one of the source's tokens, or throw TooManyRequestsError (429 with Retry-After). */
    take(sourceName: string): void {
      const taken = buckets.get(sourceName)?.take();
      if (taken && !taken.allowed) throw new TooManyRequestsError(taken.retryAfterSeconds);
    },
  };
}
