import type { Client } from '@temporalio/client';
import type { HookflowConfig } from '../src/config/load-config';
import type { BenchOptions } from './parse-bench-options';
import type { BenchStack } from './start-bench-stack';

/** What every scenario needs: the options, the stack, the shared config and a Temporal client. */
export interface BenchContext {
  readonly options: BenchOptions;
  /** The run's temp dir: configs, bundles, server and process logs. */
  readonly dir: string;
  readonly stack: BenchStack;
  /** The config file every hookflow process reads (bench/write-bench-config.ts). */
  readonly configFile: string;
  /** The same with `worker.maxConcurrentActions` at 4: the workers of (e) are the bottleneck by construction. */
  readonly cappedConfigFile: string;
  /** The same config, loaded here to build workflow inputs as the receiver does. */
  readonly config: HookflowConfig;
  /** The bench's own client: (b), the (d) baseline's starts, and visibility queries. */
  readonly client: Client;
  /**
   * Names every task queue and database of the run (`bench-<runId>-<scenario>`), so a run on
   * servers that outlive it (TEMPORAL_ADDRESS, MONGODB_URI) never meets an earlier run's work.
   */
  readonly runId: string;
  /** The stack's server processes, found by their data paths, for the CPU meter. */
  readonly stackPids: { readonly temporal?: number; readonly ferretdb?: number; readonly postgres?: number };
}
