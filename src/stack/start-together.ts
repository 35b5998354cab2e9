/** Anything started that can be stopped: a server process, or one given by the environment. */
interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Start servers at the same time and wait for all of them. With Promise.all, one that fails
 * leaves the others running unowned: a failed Temporal start left the embedded PostgreSQL and
 * FerretDB alive, holding the bench process open with nothing left to stop them. Here, if any
 * start fails, every one that did start is stopped before the first failure is thrown.
 */
export async function startTogether<T extends readonly Stoppable[]>(starts: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts as readonly Promise<Stoppable>[]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<Stoppable>).value) as unknown as T;
  await Promise.allSettled(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : [])));
  throw failed.reason;
}
