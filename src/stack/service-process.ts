import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { holdPortNumber } from './free-port';

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** The stop signal (SIGTERM unless started with another), then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The end of its output (with `keepTail`): what a supervisor shows when the process keeps failing. */
  tail(): string;
}

/** How much of a child's output `keepTail` keeps. */
const TAIL_BYTES = 8_192;

const running = new Set<ServiceProcess>();

// Last line of defence: if the parent exits without stopping its children, kill them anyway,
// so Ctrl-C, an uncaught error or a test run never leaves servers behind.
process.on('exit', () => killRunningServices());

/** SIGKILL every child still running: the way out when a graceful stop is not waited for. */
export function killRunningServices(): string[] {
  const killed: string[] = [];
  for (const service of running) {
    if (service.child.exitCode === null && service.child.signalCode === null && service.child.kill('SIGKILL')) killed.push(service.name);
  }
  return killed;
}

/**
 * Start a long-running child. Output goes to `logFile` (appended, so restarts keep history)
 * or is inherited by the parent when `logFile` is undefined. The file is the child's own
 * stdout and stderr: the parent is not in the log path, so it spends nothing on a chatty server.
 */
export function startService(
  name: string,
  command: string,
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    logFile?: string;
    cwd?: string;
    /** Run as this user and group (a server that refuses to run as root). */
    uid?: number;
    gid?: number;
    /** What asks this server to stop: SIGTERM, unless its fast shutdown is another signal. */
    stopSignal?: NodeJS.Signals;
    /**
     * Without `logFile`: pass the output through the parent instead of inheriting it, keeping its
     * end for tail(). Costs a copy per chunk, so only for hookflow's own processes.
     */
    keepTail?: boolean;
    /**
     * The port this server listens on. Once it has exited, the port is held from binds to port 0
     * (holdPortNumber) before `exited` resolves, so that starting it again on the same port, as
     * a supervisor or a fault test does, does not find the port given to another process.
     */
    port?: number;
  } = {},
): ServiceProcess {
  let stdio: ['ignore', 'inherit' | 'pipe' | number, 'inherit' | 'pipe' | number] = ['ignore', 'inherit', 'inherit'];
  let fd: number | undefined;
  if (options.logFile) {
    mkdirSync(path.dirname(options.logFile), { recursive: true });
    fd = openSync(options.logFile, 'a');
    stdio = ['ignore', fd, fd];
  } else if (options.keepTail) {
    stdio = ['ignore', 'pipe', 'pipe'];
  }
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
  });
  if (fd !== undefined) closeSync(fd); // the child holds its own copy
  let tail = '';
  const keep = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
    to.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', keep(process.stdout));
  child.stderr?.on('data', keep(process.stderr));
  const ended = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(error.message));
  });
  const { port } = options;
  const exited =
    port === undefined
      ? ended
      : ended.then(async (how) => {
          await holdPortNumber(port).catch(() => false);
          return how;
        });
  const service: ServiceProcess = {
    name,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(options.stopSignal ?? 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(service);
    },
    tail: () => tail,
  };
  running.add(service);
  void exited.then(() => running.delete(service));
  return service;
}
