import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compare a secret someone sent with the one we hold in constant time. Both are hashed to 32
 * bytes first (timingSafeEqual needs equal lengths), so the time reveals neither the secret
 * nor its length.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
