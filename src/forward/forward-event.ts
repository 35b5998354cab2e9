import { classifyStatus } from './classify-response';
import { ForwardError } from './forward-error';
import { parseRetryAfter } from './retry-after';
import { signStandardWebhook } from './standard-webhook-signature';

export interface ForwardRequest {
  /** The configured name, used in messages instead of the URL. */
  readonly destination: string;
  readonly url: string;
  /** `whsec_` secrets; each one signs, so a receiver mid-rotation verifies with either. */
  readonly secrets: readonly string[];
  /** Extra headers from config (e.g. Authorization). They cannot replace the signed ones. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** `webhook-id`: stable across retries, so the receiver can deduplicate. */
  readonly messageId: string;
  /** JSON text, already serialized by the caller: the bytes signed are the bytes sent. */
  readonly body: string;
  /** Cancellation from Temporal. */
  readonly signal?: AbortSignal;
}

export interface ForwardResult {
  readonly status: number;
  /** The response body, truncated to RESULT_BODY_CHARS. */
  readonly body: string;
}

export interface ForwardDeps {
  fetch?: typeof fetch;
  now?: () => Date;
}

export const RESULT_BODY_CHARS = 1024;
/** UTF-8 takes at most 4 bytes per UTF-16 unit, so this many bytes always yield the chars we keep. */
const MAX_BODY_BYTES = 4 * RESULT_BODY_CHARS;

/**
 * POST one event to a destination, signed in the Standard Webhooks format
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
 * Resolves on 2xx; otherwise throws a ForwardError that says whether a retry may help. When
 * `request.signal` aborts, rejects with its reason unchanged, so the caller sees its cancellation.
 */
export async function forwardEvent(request: ForwardRequest, deps: ForwardDeps = {}): Promise<ForwardResult> {
  const fetchFn = deps.fetch ?? fetch;
  const now = deps.now ?? (() => new Date());
  const { destination } = request;
  request.signal?.throwIfAborted();

  const body = Buffer.from(request.body, 'utf8');
  // Signed per attempt: the receiver checks the timestamp against its clock to refuse replays.
  const timestamp = Math.floor(now().getTime() / 1000);
  const headers = requestHeaders(request, {
    'content-type': 'application/json',
    'webhook-id': request.messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandardWebhook({ secrets: request.secrets, id: request.messageId, timestamp, body }),
  });

  const url = checkedUrl(request);

  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    // A redirected POST may become a GET, or carry the signed body to a host nobody configured.
    response = await fetchFn(url, { method: 'POST', headers, body, redirect: 'manual', signal });
  } catch (error) {
    // Cancellation wins over our own timeout, so a cancelled activity never looks like a failure.
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) throw ForwardError.timeout(destination, request.timeoutMs);
    throw ForwardError.unreachable(destination, error);
  }

  const text = await readPrefix(response, MAX_BODY_BYTES);
  if (request.signal?.aborted) throw request.signal.reason;

  const { status, statusText } = response;
  const outcome = classifyStatus(status);
  if (outcome === 'success') return { status, body: truncate(text, RESULT_BODY_CHARS) };
  if (status >= 300 && status <= 399) throw ForwardError.redirect(destination, { status, statusText });
  const retryable = outcome === 'retryable';
  const retryAfterMs = retryable ? parseRetryAfter(response.headers.get('retry-after'), now()) : undefined;
  throw ForwardError.httpStatus(destination, { status, statusText, body: text }, { retryable, retryAfterMs });
}

/**
 * Config's extra headers first, then ours over them: a configured `webhook-signature` or
 * `content-type` must not replace what the receiver verifies.
 */
function requestHeaders(request: ForwardRequest, signed: Record<string, string>): Headers {
  const headers = new Headers({ 'user-agent': 'hookflow' });
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      // Headers' own message quotes the value, which may well be a token.
      const message = `forward to ${request.destination}: header ${JSON.stringify(name)} has an invalid name or value`;
      throw new TypeError(message);
    }
  }
  for (const [name, value] of Object.entries(signed)) headers.set(name, value);
  return headers;
}

/** fetch's own message for a bad URL quotes the URL; ours names the destination. */
function checkedUrl({ url, destination }: ForwardRequest): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`forward to ${destination}: the configured url is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`forward to ${destination}: the configured url must be http or https, not ${parsed.protocol}`);
  }
  return parsed;
}

/**
 * Up to `limit` bytes of the body as text. The rest is cancelled rather than read: a huge or
 * endless response must not fill memory, and cancelling (like reading to the end) frees the socket.
 * Never throws: the status is the verdict and the body only a diagnostic, so a body cut short by
 * a reset or by our timeout leaves the outcome as it is, with what did arrive.
 */
async function readPrefix(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // Cut short; keep what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit));
}

/** Cut to `max` UTF-16 units without leaving half a surrogate pair at the end. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
