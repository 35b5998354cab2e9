import path from 'node:path';
import type { BenchContext } from './bench-context';
import { cpuMeter, type CpuUse } from './cpu-meter';
import type { PeakMemory } from './read-peak-memory';
import { runStartLoad, type StartLoadResult } from './run-start-load';
import { loggedMsg, startBenchProcess } from './start-bench-process';
import { summarizeCompletion, type Completion } from './summarize-completion';
import { waitForClosedWorkflows } from './wait-for-closed-workflows';

const TSX = require.resolve('tsx/cjs');

export interface BareEndToEndResult {
  /** The closed-loop starts of the batch. */
  readonly ingress: StartLoadResult;
  readonly closed: Completion;
  readonly drained: boolean;
  readonly memory?: PeakMemory;
  /** From the first start to the last close. */
  readonly cpu: CpuUse;
}

/**
 * The (d) baseline: the bare one-activity workflow (bench/workflows) on its own worker process,
 * with a batch of --e2e-events workflows started by the bench's client at --connections, the
 * same input size, and timed from the first start to the last close Temporal recorded.
 */
export async function measureBareEndToEnd(ctx: BenchContext): Promise<BareEndToEndResult> {
  const { connections, e2eEvents } = ctx.options;
  const taskQueue = `bench-${ctx.runId}-d-bare`;
  const worker = await startBenchProcess(
    'bare-worker',
    ['--require', TSX, path.join(__dirname, 'bare-worker.ts')],
    {
      BENCH_TEMPORAL_ADDRESS: ctx.stack.temporal.address,
      BENCH_TASK_QUEUE: taskQueue,
      BENCH_NAMESPACE: ctx.config.temporal.namespace,
      BENCH_WORKFLOW_BUNDLE: ctx.stack.bareBundle,
    },
    path.join(ctx.dir, 'bare-worker.log'),
    loggedMsg('bare worker polling'),
  );
  try {
    const load = {
      client: ctx.client,
      config: ctx.config,
      taskQueue,
      workflowType: 'bareOneActivity',
      type: 'bench.noop' as const,
      connections,
    };
    const warm = await runStartLoad({ ...load, amount: Math.max(20, connections) });
    await waitForClosedWorkflows(ctx.client, taskQueue, warm.startedAt, warm.ok);

    const meter = cpuMeter({ worker: worker.pid, ...ctx.stackPids });
    meter.start();
    const ingress = await runStartLoad({ ...load, amount: e2eEvents });
    const runs = await waitForClosedWorkflows(ctx.client, taskQueue, ingress.startedAt, ingress.ok);
    const cpu = meter.stop();
    const memory = worker.memory();
    return {
      ingress,
      closed: summarizeCompletion(ingress.startedAt, runs.lastCloseAt, runs.latenciesMs),
      drained: !runs.timedOut,
      ...(memory ? { memory } : {}),
      cpu,
    };
  } finally {
    await worker.stop();
  }
}
