import { STATUS_CODES } from 'node:http';

export type ForwardFailureReason = 'timeout' | 'unreachable' | 'status' | 'redirect';

/** How much of the receiver's response body a message quotes. */
export const MESSAGE_BODY_CHARS = 200;

/** Error codes that mean no connection was made, as opposed to one that broke mid-request. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * A forward that failed, and whether trying again may help. Messages name the destination by its
 * configured name and never quote the URL, which can carry a token in its query. For the same
 * reason no `cause` is attached: fetch's errors are free to mention the URL.
 */
export class ForwardError extends Error {
  override readonly name = 'ForwardError';
  readonly reason: ForwardFailureReason;
  readonly retryable: boolean;
  readonly status?: number;
  /** From the response's Retry-After, when it had a usable one. */
  readonly retryAfterMs?: number;
  /**
   * What went wrong, without the destination: where the action's name already says it
   * (`forward:billing: HTTP 503 Service Unavailable`), the message would repeat it.
   */
  readonly detail: string;

  constructor(
    message: string,
    details: { reason: ForwardFailureReason; retryable: boolean; status?: number; retryAfterMs?: number; detail?: string },
  ) {
    super(message);
    this.detail = details.detail ?? message;
    this.reason = details.reason;
    this.retryable = details.retryable;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  static timeout(destination: string, timeoutMs: number): ForwardError {
    const detail = `timed out after ${timeoutMs} ms`;
    return new ForwardError(`forward to ${destination} ${detail}`, { reason: 'timeout', retryable: true, detail });
  }

  /** `error` is what fetch rejected with; its code is buried in `cause` (and `errors` for both IP families). */
  static unreachable(destination: string, error: unknown): ForwardError {
    const code = errorCode(error);
    const what = code !== undefined && CONNECT_CODES.has(code) ? 'cannot connect' : 'connection failed';
    const detail = `${what} (${code ?? 'no error code'})`;
    return new ForwardError(`forward to ${destination}: ${detail}`, { reason: 'unreachable', retryable: true, detail });
  }

  static httpStatus(
    destination: string,
    response: { status: number; statusText: string; body: string },
    retry: { retryable: boolean; retryAfterMs?: number },
  ): ForwardError {
    const snippet = response.body.replace(/\s+/g, ' ').trim().slice(0, MESSAGE_BODY_CHARS);
    const detail = `${statusLine(response)}${snippet ? `: ${snippet}` : ''}`;
    return new ForwardError(`forward to ${destination}: ${detail}`, { reason: 'status', status: response.status, ...retry, detail });
  }

  /** The Location header is left out on purpose: it is a URL, and may carry a token too. */
  static redirect(destination: string, response: { status: number; statusText: string }): ForwardError {
    const detail = `${statusLine(response)}; redirects are not followed, so configure the URL it redirects to`;
    return new ForwardError(`forward to ${destination}: ${detail}`, { reason: 'redirect', status: response.status, retryable: false, detail });
  }
}

function statusLine({ status, statusText }: { status: number; statusText: string }): string {
  const text = statusText || STATUS_CODES[status];
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

/** The first `code` string along the `cause` chain, looking inside AggregateErrors too. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  const nested = [cause, ...(Array.isArray(errors) ? errors : [])];
  for (const inner of nested) {
    const found = errorCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
