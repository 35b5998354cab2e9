/**
 * Poll `check` until it returns a value, or fail after `timeoutMs` with the last error.
 * Stops early when `abort` resolves (e.g. the server process exited).
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; abort?: Promise<unknown> },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let aborted: unknown;
  let isAborted = false;
  void options.abort?.then((why) => {
    isAborted = true;
    aborted = why;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (isAborted) throw new Error(`${what}: gave up, the process exited (${String(aborted)})`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
  throw new Error(`${what}: not ready after ${options.timeoutMs} ms${lastError ? ` (${(lastError as Error).message})` : ''}`);
}
