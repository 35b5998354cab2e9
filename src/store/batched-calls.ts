/** One item's result of a batch: its value or its own error. */
export type ItemResult<T> = { readonly value: T } | { readonly error: unknown };

interface Waiting<In, Out> {
  readonly item: In;
  readonly resolve: (value: Out) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for a store operation. A call made while none is in flight runs at once, alone, so
 * a quiet receiver waits for nothing extra; calls made while one is in flight wait and go
 * together as the next one, up to `maxBatch` items. Under load this turns one MongoDB round trip
 * per request into one per batch: each is a socket write and read in the receiver, a command in
 * FerretDB and a query in PostgreSQL, which on a 2-core machine cost more than the operation
 * itself (issue #10).
 *
 * A call's batch always starts after the call was made, never before: a read that joins a batch
 * sees every write that finished before the call, as its own read would. `run` gets the items in
 * call order and answers one result per item, in the same order; if it throws, every item of
 * that batch fails with its error.
 */
export function batchedCalls<In, Out>(
  run: (items: readonly In[]) => Promise<readonly ItemResult<Out>[]>,
  maxBatch = 64,
): (item: In) => Promise<Out> {
  let waiting: Waiting<In, Out>[] = [];
  let inFlight = false;

  const flush = (): void => {
    if (inFlight || waiting.length === 0) return;
    const batch = waiting.slice(0, maxBatch);
    waiting = waiting.slice(batch.length);
    inFlight = true;
    // Inside an async function, so that even a synchronous throw of `run` fails the batch.
    (async () => run(batch.map((call) => call.item)))()
      .then(
        (results) =>
          batch.forEach((call, i) => {
            const result = results[i];
            if (result === undefined) call.reject(new Error(`a batch of ${batch.length} answered ${results.length} results`));
            else if ('value' in result) call.resolve(result.value);
            else call.reject(result.error);
          }),
        (error: unknown) => batch.forEach((call) => call.reject(error)),
      )
      .finally(() => {
        inFlight = false;
        flush();
      });
  };

  return (item) =>
    new Promise<Out>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      flush();
    });
}
