import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startService } from '../src/stack/service-process';
import { readPeakMemory, type PeakMemory } from './read-peak-memory';

export interface BenchProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<number | string>;
  /** Memory as the kernel reports it now; read before stop(). */
  memory(): PeakMemory | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Ready once the process has logged this JSON line's `msg`. */
export function loggedMsg(msg: string): (logFile: string) => Promise<boolean> {
  // Match the quoted msg, so a prefix of another message does not count.
  const needle = `"msg":${JSON.stringify(msg)}`;
  return async (logFile) => readFileSync(logFile, 'utf8').includes(needle);
}

/**
 * Start `node <args>` with its output going straight to `logFile`, and resolve once `ready`
 * says so. The bench process is not in the log path: it would otherwise spend CPU on every log
 * line of the processes it measures, on the same two cores.
 */
export async function startBenchProcess(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  logFile: string,
  ready: (logFile: string) => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<BenchProcess> {
  // startService writes the output straight to the file, and kills the child if the bench exits.
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each measured process, written when it stops, to
  // see where its time goes (NODE_OPTIONS may not carry --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROF, name)}`] : [];
  const service = startService(name, process.execPath, [...profile, ...args], { env: { ...process.env, ...env }, logFile });
  const { child, exited } = service;
  const handle: BenchProcess = {
    name,
    pid: child.pid!,
    logFile,
    exited,
    memory: () => readPeakMemory(child.pid!),
    stop: (graceMs = 15_000) => service.stop(graceMs),
  };

  const deadline = Date.now() + timeoutMs;
  let gone: number | string | undefined;
  void exited.then((code) => (gone = code));
  while (!(await ready(logFile).catch(() => false))) {
    if (gone !== undefined) throw new Error(`${name} exited (${gone}) before it was ready; see ${logFile}`);
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${name} was not ready within ${timeoutMs} ms; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle;
}
