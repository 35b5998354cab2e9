import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The two CPU sets of `--pin-temporal`: Temporal's core, and every other process's. */
export interface Pinning {
  readonly temporal: string;
  readonly rest: string;
}

/**
 * `--pin-temporal`: the Temporal dev server on core 0, and the bench process, FerretDB and
 * PostgreSQL on the others (the receivers, workers and load it starts later inherit them). On
 * two cores the store and the receiver otherwise take CPU the Temporal server needs, so c/b
 * measures the cores they share rather than what a start costs with hookflow in front of it
 * (issue #10). Both (b) and (c) run pinned alike; the figures are lower than unpinned ones.
 * Every thread of a process is pinned (`taskset -a`); PostgreSQL's backends, forked later by
 * the postmaster, inherit its set.
 */
export function pinTemporal(pids: { readonly temporal?: number; readonly ferretdb?: number; readonly postgres?: number }): Pinning {
  const cores = os.cpus().length;
  if (cores < 2) throw new Error(`--pin-temporal needs at least 2 cores; this machine has ${cores}`);
  if (pids.temporal === undefined) throw new Error('--pin-temporal needs the embedded Temporal dev server (not TEMPORAL_ADDRESS)');
  const pinning: Pinning = { temporal: '0', rest: cores === 2 ? '1' : `1-${cores - 1}` };
  const pin = (cpus: string, pid: number) => {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    } catch (error) {
      throw new Error(`--pin-temporal: taskset -a -p -c ${cpus} ${pid} failed (util-linux's taskset on PATH?): ${String(error)}`);
    }
  };
  pin(pinning.temporal, pids.temporal);
  for (const pid of [process.pid, pids.ferretdb, pids.postgres]) if (pid !== undefined) pin(pinning.rest, pid);
  return pinning;
}
