import { createTokenBucket, type TakeResult, type TokenBucket } from '../receiver/token-bucket';

export interface SignInThrottle {
  /** One sign-in attempt from `ip`: allowed, or how long to wait. */
  take(ip: string): TakeResult;
}

/** Ten attempts at once, then one every six seconds, per client address. */
const LIMIT = { ratePerSecond: 1 / 6, burst: 10 };
/** Addresses remembered at most; the oldest is forgotten first. */
const MAX_CLIENTS = 10_000;

/**
 * Sign-in attempts per client address: guessing a 16-character token is hopeless anyway, but a
 * script trying should be slowed and show up in the log (429), not be answered at full speed.
 */
export function createSignInThrottle(nowMs?: () => number): SignInThrottle {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(ip) {
      let bucket = buckets.get(ip);
      if (!bucket) {
        if (buckets.size >= MAX_CLIENTS) buckets.delete(buckets.keys().next().value!);
        buckets.set(ip, (bucket = createTokenBucket(LIMIT, nowMs)));
      }
      return bucket.take();
    },
  };
}
