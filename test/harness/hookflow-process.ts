import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HookflowConfig } from '../../src/config/load-config';

const BIN = path.resolve(__dirname, '../../bin/hookflow.js');

export interface HookflowProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first log line whose msg is `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/**
 * Write a config file for `hookflow worker` / `hookflow receiver` processes that share a test
 * stack's task queue and database, so processes and the in-process receiver work together.
 */
export function writeProcessConfig(dir: string, config: HookflowConfig, extra: Record<string, unknown>): string {
  const file = path.join(dir, `hookflow-${config.temporal.taskQueue}.json`);
  const json = {
    temporal: { address: config.temporal.address, taskQueue: config.temporal.taskQueue },
    mongodb: config.mongodb,
    ...extra,
  };
  writeFileSync(file, JSON.stringify(json, null, 2));
  return file;
}

/** Run `node bin/hookflow.js <command>` as a real process, as an operator would. */
export function startHookflowProcess(command: 'worker' | 'receiver', configPath: string, env: Record<string, string> = {}): HookflowProcess {
  const child = spawn(process.execPath, [BIN, command], {
    env: { ...process.env, HOOKFLOW_CONFIG: configPath, HOOKFLOW_WORKER_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue; // not a log line (a handler's console output)
      }
      logs.push(line);
      for (const waiter of waiters.filter((w) => w.msg === line.msg)) waiter.resolve(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    pid: child.pid!,
    logs,
    exited,
    waitForLog(msg, timeoutMs = 60_000) {
      const seen = logs.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${command} ${child.pid} did not log "${msg}" within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.push({ msg, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${command} ${child.pid} exited (${code}) before logging "${msg}"; stderr: ${stderr}`));
        });
      });
    },
  };
}

/** Copy a process's output to `<dir>/<pid>.log`, so a failed test leaves each process's log to read. */
export function keepLogs(dir: string, process: HookflowProcess): HookflowProcess {
  const out = createWriteStream(path.join(dir, `${process.pid}.log`));
  process.child.stdout!.pipe(out);
  process.child.stderr!.pipe(out);
  return process;
}
