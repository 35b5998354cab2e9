import { HttpError } from '../errors/http-errors';

/**
 * The console's own failures, answered by the admin error middleware like every HttpError.
 * Not the admin API's UnauthorizedError: its `WWW-Authenticate: Bearer` would invite a browser
 * to send the token, and the console signs in through its form instead.
 */
export class SignInRequiredError extends HttpError {
  constructor(message = 'sign in to the console first') {
    super(401, message);
  }
}

/** Too many sign-in attempts from one address. */
export class SignInThrottledError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(429, `too many sign-in attempts; try again in ${retryAfterSeconds} s`, { 'Retry-After': String(retryAfterSeconds) });
  }
}
