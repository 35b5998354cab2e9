/** A source's rate limit: `burst` deliveries at once, refilled at `ratePerSecond`. */
export interface RateLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface TokenBucket {
  /** Take one token if there is one; otherwise say how long until there will be. */
  take(): TakeResult;
}

/**
 * A token bucket over an injected millisecond clock, so tests control time. The default clock is
 * monotonic: a wall-clock step backwards (NTP) must not stall the bucket.
 * Starts full, so a provider's first burst after a deploy is not refused.
 */
export function createTokenBucket({ ratePerSecond, burst }: RateLimit, nowMs: () => number = () => performance.now()): TokenBucket {
  let tokens = burst;
  let last = nowMs();
  return {
    take() {
      const now = nowMs();
      tokens = Math.min(burst, tokens + (Math.max(0, now - last) / 1000) * ratePerSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return { allowed: true };
      }
      // Retry-After is whole seconds (RFC 9110 §10.2.3); round up so a client that obeys it finds
      // a token, and never say 0, which some clients read as "retry at once".
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)) };
    },
  };
}
