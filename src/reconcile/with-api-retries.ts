import { setTimeout as sleep } from 'node:timers/promises';

export interface ApiRetryOptions {
  readonly attempts?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly signal?: AbortSignal;
  /** Told of each retry (for the log). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; status?: number; error: string }) => void;
}

/** The longest Retry-After honoured; beyond it the run fails and the next one tries again. */
const MAX_RETRY_AFTER_MS = 120_000;

/** Status and headers of an error from either SDK (Octokit's RequestError, stripe's StripeError). */
export function apiErrorStatus(error: unknown): { status?: number; headers: Record<string, string | undefined> } {
  const e = error as {
    status?: unknown;
    statusCode?: unknown;
    headers?: Record<string, string>;
    response?: { headers?: Record<string, string> };
  };
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return { ...(status === undefined ? {} : { status }), headers: e?.response?.headers ?? e?.headers ?? {} };
}

/**
 * How long to wait before retrying, or undefined when the error is not worth a retry. Rate limits
 * (429, and GitHub's 403 with `x-ratelimit-remaining: 0`) wait for Retry-After or the reset time;
 * server errors and network errors back off exponentially. Other 4xx (a bad key) fail at once.
 */
export function retryDelayMs(error: unknown, attempt: number, initialDelayMs: number, maxDelayMs: number, now = Date.now()): number | undefined {
  const { status, headers } = apiErrorStatus(error);
  const backoff = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
  const retryAfter = headers['retry-after'];
  const rateLimited = status === 429 || (status === 403 && headers['x-ratelimit-remaining'] === '0');
  if (rateLimited) {
    if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim())) return Math.min(MAX_RETRY_AFTER_MS, Number(retryAfter) * 1_000);
    const at = retryAfter === undefined ? NaN : Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
    const reset = headers['x-ratelimit-reset'];
    if (reset !== undefined && /^\d+$/.test(reset)) return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Number(reset) * 1_000 - now));
    return backoff;
  }
  if (status === undefined || status >= 500 || status === 408) return backoff;
  return undefined;
}

/** Call the provider's API, retrying rate limits and transient failures with backoff. */
export async function withApiRetries<T>(call: () => Promise<T>, options: ApiRetryOptions = {}): Promise<T> {
  const { attempts = 5, initialDelayMs = 500, maxDelayMs = 30_000, signal, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delayMs = attempt < attempts ? retryDelayMs(error, attempt, initialDelayMs, maxDelayMs) : undefined;
      if (delayMs === undefined || signal?.aborted) throw error;
      const { status } = apiErrorStatus(error);
      onRetry?.({ attempt, delayMs, ...(status === undefined ? {} : { status }), error: (error as Error).message });
      await sleep(delayMs, undefined, signal ? { signal } : {});
    }
  }
}
