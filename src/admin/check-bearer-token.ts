import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '../errors/http-errors';
import { UnauthorizedError } from './admin-errors';

/**
 * Check an `Authorization` header against the admin token. Throws UnauthorizedError (401) when
 * there is no `Bearer <token>` at all and ForbiddenError (403) when the token is wrong.
 *
 * Both sides are hashed to 32 bytes before timingSafeEqual, which needs equal lengths: comparing
 * digests takes the same time whatever the guess, and reveals neither the token nor its length.
 */
export function checkBearerToken(authorization: string | undefined, token: string): void {
  if (!token) throw new Error('checkBearerToken needs the configured admin token');
  if (authorization === undefined || authorization.trim() === '') {
    throw new UnauthorizedError('missing Authorization header; send "Authorization: Bearer <admin token>"');
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw new UnauthorizedError('malformed Authorization header; send "Authorization: Bearer <admin token>"');
  if (!timingSafeEqual(digest(match[1]), digest(token))) throw new ForbiddenError('wrong admin token');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
