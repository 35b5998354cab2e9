export type StatusClass = 'success' | 'retryable' | 'permanent';

/**
 * The 4xx answers that mean "not now" rather than "never": 408 Request Timeout, 409 Conflict (the
 * receiver is still handling an earlier delivery of the same webhook-id), 425 Too Early and
 * 429 Too Many Requests.
 */
const RETRYABLE_CLIENT_ERRORS: ReadonlySet<number> = new Set([408, 409, 425, 429]);

/**
 * What a forward's response status means for the delivery. 2xx is success, as the spec says
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#delivery-success-and-failure).
 * 3xx is permanent: we do not follow redirects, because a POST must not silently become a GET and
 * the signed body must not go to a host nobody configured; the fix is to configure the new URL.
 * Every 5xx may be transient; every other status will get the same answer next time.
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status <= 299) return 'success';
  if (RETRYABLE_CLIENT_ERRORS.has(status) || (status >= 500 && status <= 599)) return 'retryable';
  return 'permanent';
}
