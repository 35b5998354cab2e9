/**
 * Every request failure hookflow can answer, each carrying its HTTP status.
 * One Koa middleware (src/receiver/error-middleware.ts) turns them into responses,
 * so handlers and pure modules only ever throw these.
 */
export class HttpError extends Error {
  readonly status: number;
  /** Extra response headers, e.g. Retry-After or Allow. */
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.headers = headers;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

/** Why a signature check failed; also the label of the signature-failure counter. */
export type SignatureFailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'body_hash_mismatch'
  | 'replayed_nonce'
  /** A verified JWT whose iss or aud is not the configured one. */
  | 'claim_mismatch'
  | 'no_matching_signature';

export class SignatureError extends HttpError {
  readonly reason: SignatureFailureReason;

  constructor(reason: SignatureFailureReason, message: string) {
    super(401, message);
    this.reason = reason;
  }
}

export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, message);
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor(allowed: string[]) {
    super(405, `method not allowed; use ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, `request body is larger than the limit of ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(contentType: string | undefined, supported: string[]) {
    super(415, `unsupported content type ${JSON.stringify(contentType ?? '')}; send one of ${supported.join(', ')}`);
  }
}

/** Authentic and well formed, but refused for what it holds; resending it cannot succeed. */
export class UnprocessableEntityError extends HttpError {
  constructor(message: string) {
    super(422, message);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate limit exceeded for this source', { 'Retry-After': String(retryAfterSeconds) });
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}
