/** The signals that ask `hookflow start` to stop: Ctrl-C, a service manager, a closed terminal. */
const STOP_SIGNALS = { SIGINT: 'Ctrl-C', SIGTERM: 'SIGTERM', SIGHUP: 'SIGHUP (terminal closed)' } as const;

/**
 * Resolves with why on the first stop signal; calls `again` on every later one.
 *
 * The handlers stay installed for the whole stop: with `once`, a second signal (a second Ctrl-C,
 * or npm forwarding the terminal's SIGINT to a process that got it already) would meet Node's
 * default action, kill this process without its `exit` handlers and leave every server it
 * started running as an orphan.
 */
export function stopSignals(again: (why: string) => void): Promise<string> {
  let first = true;
  return new Promise((resolve) => {
    for (const [signal, why] of Object.entries(STOP_SIGNALS)) {
      process.on(signal, () => {
        if (!first) return again(why);
        first = false;
        resolve(why);
      });
    }
  });
}
