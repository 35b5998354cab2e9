import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../../errors/http-errors';

const digest = (text: string | Buffer) => createHash('sha256').update(text).digest();

/**
 * Which secret equals the presented token, compared in constant time: both sides are hashed
 * first, so neither the comparison nor a length check reveals how much of a guess was right.
 * Every secret is compared, so the time taken does not single out the one that matched.
 */
export function matchToken(presented: string | undefined, secrets: readonly string[], what: string): number {
  if (presented === undefined || presented === '') throw new SignatureError('missing_signature', `missing ${what}`);
  const received = digest(presented);
  let matched = -1;
  secrets.forEach((secret, index) => {
    if (timingSafeEqual(digest(secret), received) && matched === -1) matched = index;
  });
  if (matched === -1) throw new SignatureError('no_matching_signature', `${what} does not match any configured secret`);
  return matched;
}

/** True when `a` equals `b`, in constant time; for a single configured value (Meta's verifyToken). */
export function tokenEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
