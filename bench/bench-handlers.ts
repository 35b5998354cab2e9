/**
 * The handlers module of the measured hookflow workers: `noop` for (d), `io` for (e), whose
 * wait stands for a call to another service.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Handlers } from '../src/handlers/types';

/** How long the I/O-bound handler of (e) waits: 1 s, as issue #10 sets it with the per-worker cap. */
export const IO_WAIT_MS = 1_000;

export const handlers: Handlers = {
  noop: () => null,
  io: async (_event, { signal }) => {
    await sleep(IO_WAIT_MS, undefined, { signal });
    return null;
  },
};
