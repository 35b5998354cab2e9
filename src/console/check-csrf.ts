import { ForbiddenError } from '../errors/http-errors';
import { sameSecret } from './same-secret';

export interface CsrfInput {
  /** The request's `Origin` header. */
  readonly origin: string | undefined;
  /** This server's own origin as the browser addressed it (`http://127.0.0.1:3001`). */
  readonly ownOrigin: string;
  /** The `X-CSRF-Token` header. */
  readonly csrfHeader: string | undefined;
  /** The session's token. */
  readonly csrfToken: string;
}

/**
 * A state-changing console call must come from the console's own page: the browser's `Origin`
 * is ours (a cross-site form or fetch carries its own), and it carries the session's CSRF token
 * in a header, which only a script of our origin can read (from /console/api/session) and set.
 * SameSite=Strict on the cookie is a third line. Throws ForbiddenError (403).
 */
export function checkCsrf({ origin, ownOrigin, csrfHeader, csrfToken }: CsrfInput): void {
  if (origin === undefined) throw new ForbiddenError('a console action needs the Origin header a browser sends; use the admin API with the token from scripts');
  if (origin !== ownOrigin) throw new ForbiddenError(`cross-origin console action refused (Origin ${JSON.stringify(origin)})`);
  if (csrfHeader === undefined || csrfHeader === '') throw new ForbiddenError('missing X-CSRF-Token header');
  if (!sameSecret(csrfHeader, csrfToken)) throw new ForbiddenError('wrong X-CSRF-Token');
}
