import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { waitUntil } from '../../src/stack/wait-until';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'hookflow.js');

export interface StackProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves once the output matches, or fails with the output so far. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** The pid of a process by its name (`worker 1`, `FerretDB`) in the last process list it printed. */
  pidOf(name: string): number;
  /** Every process below it now, children of children included. */
  descendants(): number[];
  /** The exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
}

/** `hookflow start ...` as an operator runs it, as a process of its own. */
export function startStackProcess(args: string[], env: NodeJS.ProcessEnv): StackProcess {
  const child = spawn(process.execPath, [BIN, 'start', ...args], { env, cwd: ROOT });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    exited,
    output: () => output,
    async waitForOutput(pattern, timeoutMs) {
      return waitUntil(`hookflow start to print ${pattern}`, async () => pattern.exec(output) ?? undefined, {
        timeoutMs,
        intervalMs: 100,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n--- its output:\n${output.slice(-6_000)}`);
      });
    },
    pidOf(name) {
      const lists = [...output.matchAll(/(?:^ {2}Processes {5}|\[hookflow\] processes: )(.+)$/gm)];
      const last = lists.at(-1)?.[1] ?? '';
      const entry = last.split(' · ').find((part) => part.startsWith(`${name} pid `));
      if (!entry) throw new Error(`no ${name} in the process list ${JSON.stringify(last)}`);
      return Number(/pid (\d+)/.exec(entry)![1]);
    },
    descendants: () => descendantsOf(child.pid!),
  };
}

/** Every process below `root` now, children of children included. */
export function descendantsOf(root: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of table) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** Whether a process of that pid still exists (signal 0 only checks). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
