/** How a store operation given a deadline ended: its value, its error, or no answer in time. */
export type Settled<T> = { readonly value: T } | { readonly error: unknown } | { readonly timedOut: true };

/**
 * Wait at most `timeoutMs` for `promise`, never throwing. With MongoDB down the driver would hold
 * an operation for its server selection timeout; callers that must not wait that long (the
 * receiver's record, an attempt's records) go on without it. A late rejection is swallowed: the
 * caller has already logged the timeout.
 */
export async function settleWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
