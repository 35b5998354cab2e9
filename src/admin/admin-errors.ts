import { HttpError } from '../errors/http-errors';

/**
 * The admin API's own failures, beside the shared ones in src/errors/http-errors.ts. Like
 * those, each carries its status, and one middleware (admin-error-middleware.ts) answers them.
 */

/** No credentials, or not a `Bearer` token: the client should authenticate (RFC 6750 §3). */
export class UnauthorizedError extends HttpError {
  constructor(message: string) {
    super(401, message, { 'WWW-Authenticate': 'Bearer realm="hookflow-admin"' });
  }
}

/** The action is not allowed in the event's current state (retry a running event, say). */
export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}
