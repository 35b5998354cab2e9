import { readCpuSeconds, readMachineCpuSeconds } from './read-cpu-seconds';

/** Cores each process kept busy on average (CPU seconds over wall seconds), and over how long. */
export interface CpuUse {
  readonly wallSeconds: number;
  /** By process name, plus `self` (the bench process, load generator included) and `machine` (every process). */
  readonly cores: Record<string, number>;
}

/**
 * How busy each named process was between start() and stop(). On two shared cores, where the
 * CPU goes (receiver, workers, Temporal, MongoDB, the load generator) explains a throughput
 * better than the throughput alone; `machine` minus the rest is what other work took.
 */
export function cpuMeter(pids: Readonly<Record<string, number | undefined>>) {
  const read = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const seconds = pid === undefined ? undefined : readCpuSeconds(pid);
      if (seconds !== undefined) out[name] = seconds;
    }
    const self = process.cpuUsage();
    out.self = (self.user + self.system) / 1e6;
    const machine = readMachineCpuSeconds();
    if (machine !== undefined) out.machine = machine;
    return out;
  };
  let before: Record<string, number> = {};
  let began = 0;
  return {
    start() {
      before = read();
      began = Date.now();
    },
    stop(): CpuUse {
      const after = read();
      const wallSeconds = (Date.now() - began) / 1000;
      const cores = Object.fromEntries(
        Object.entries(after)
          .filter(([name]) => before[name] !== undefined)
          .map(([name, seconds]) => [name, Math.round(((seconds - before[name]) / wallSeconds) * 100) / 100]),
      );
      return { wallSeconds, cores };
    },
  };
}
