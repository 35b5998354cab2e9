import path from 'node:path';
import { RECEIVER_NODE_FLAGS } from '../src/receiver/receiver-node-flags';
import { freePort } from '../src/stack/free-port';
import type { BenchContext } from './bench-context';
import { startBenchProcess, type BenchProcess } from './start-bench-process';

const BIN = path.resolve(__dirname, '../bin/hookflow.js');

export interface HookflowProcessOptions {
  /** Each scenario has its own task queue and database, so none sees another's events. */
  readonly taskQueue: string;
  readonly database: string;
  /** Another config than the run's shared one (the capped workers of (e)). */
  readonly configFile?: string;
}

let count = 0;

/** A hookflow process and its HTTP base: the receiver's server, or a worker's /readyz and /metrics. */
export type HookflowProcess = BenchProcess & { readonly url: string };

/**
 * A real `hookflow receiver` or `hookflow worker` process, as an operator runs it, on the bench
 * config and a free port. Ready once its /readyz answers 200: for a worker, once it is polling
 * and reaches Temporal and MongoDB.
 */
export async function startHookflowProcess(
  ctx: BenchContext,
  command: 'receiver' | 'worker',
  { taskQueue, database, configFile = ctx.configFile }: HookflowProcessOptions,
): Promise<HookflowProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    HOOKFLOW_CONFIG: configFile,
    HOOKFLOW_TASK_QUEUE: taskQueue,
    MONGODB_DATABASE: database,
    [command === 'receiver' ? 'HOOKFLOW_PORT' : 'HOOKFLOW_WORKER_PORT']: String(port),
    // Bundling the workflows costs a worker seconds of CPU at start; the stack built them once.
    HOOKFLOW_WORKFLOW_BUNDLE: ctx.stack.hookflowBundle,
  };
  const name = `${command}-${taskQueue}-${++count}`;
  const url = `http://127.0.0.1:${port}`;
  const ready = async () => (await fetch(`${url}/readyz`)).ok;
  // Started as users start it: the receiver with its Node flags.
  const flags = command === 'receiver' ? RECEIVER_NODE_FLAGS : [];
  const child = await startBenchProcess(name, [...flags, BIN, command], env, path.join(ctx.dir, `${name}.log`), ready);
  return Object.assign(child, { url });
}
