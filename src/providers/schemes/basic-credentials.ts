import { SignatureError } from '../../errors/http-errors';
import { matchToken } from './token-match';

/**
 * HTTP Basic (RFC 7617): `Authorization: Basic base64(user:password)`. Returns the decoded
 * `user:password`, or throws the reason; never throws anything else on malformed input.
 */
export function readBasic(header: string | undefined): string {
  if (!header) throw new SignatureError('missing_signature', 'missing authorization header');
  const match = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match) throw new SignatureError('malformed_signature', 'authorization is not Basic <base64 user:password>');
  // Only canonical base64: Node's decoder drops a trailing partial character, so
  // `<the right credentials>x` would otherwise decode to the right credentials.
  const bytes = Buffer.from(match[1], 'base64');
  if (bytes.toString('base64') !== match[1]) throw new SignatureError('malformed_signature', 'Basic credentials are not canonical base64');
  const decoded = bytes.toString('utf8');
  if (!decoded.includes(':')) throw new SignatureError('malformed_signature', 'Basic credentials hold no user:password');
  return decoded;
}

/** Which configured `name:password` the request carries, compared in constant time. */
export function matchBasic(header: string | undefined, users: readonly string[]): number {
  return matchToken(readBasic(header), users, 'Basic credentials');
}

/** The header a sender puts on the request. */
export function basicHeader(user: string): string {
  return `Basic ${Buffer.from(user).toString('base64')}`;
}
