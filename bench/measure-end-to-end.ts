import { MongoClient } from 'mongodb';
import type { BenchContext } from './bench-context';
import { cpuMeter, type CpuUse } from './cpu-meter';
import type { PeakMemory } from './read-peak-memory';
import { runHttpLoad, type HttpLoadResult } from './run-http-load';
import { saveWorkerMetrics } from './save-worker-metrics';
import type { BenchEventType } from './signed-event';
import type { BenchProcess } from './start-bench-process';
import { startHookflowProcess } from './start-hookflow-process';
import { summarizeCompletion, type Completion } from './summarize-completion';
import { waitForClosedWorkflows } from './wait-for-closed-workflows';

export interface EndToEnd {
  /** Names the task queue and database: `bench-<runId>-<name>`, `bench_<runId>_<name>`. */
  readonly name: string;
  readonly type: BenchEventType;
  readonly workers: number;
  /** The workers' config, when not the run's shared one. */
  readonly configFile?: string;
}

export interface EndToEndResult {
  readonly workers: number;
  /** The autocannon batch that drove ingress. */
  readonly ingress: HttpLoadResult;
  /** Events the receiver acknowledged (2xx). */
  readonly accepted: number;
  /** To `succeeded` in MongoDB (`completedAt`): the figure the targets use. */
  readonly succeeded: Completion;
  /** To the workflow's close in Temporal, as the bare baseline is timed. */
  readonly closed: Completion;
  /** False when the batch did not finish in time (wait-for-closed-workflows.ts): the figures cover what completed. */
  readonly drained: boolean;
  readonly memory: { readonly receiver?: PeakMemory; readonly workers: (PeakMemory | undefined)[] };
  /** From the first request to the last completion. */
  readonly cpu: CpuUse;
}

interface EventTimes {
  readonly status: string;
  readonly receivedAt: Date;
  readonly completedAt?: Date;
}

/**
 * (d) and (e): a real receiver and `workers` real worker processes on their own task queue and
 * database. autocannon sends a batch of --e2e-events fresh events at --connections; processing
 * runs while they arrive. The figure is the batch over the time from its first request to the
 * last `completedAt` a worker wrote with `succeeded`. A small batch first warms up the path.
 * Each run leaves nothing running behind it for the next.
 */
export async function measureEndToEnd(ctx: BenchContext, { name, type, workers: count, configFile }: EndToEnd): Promise<EndToEndResult> {
  const { connections, e2eEvents } = ctx.options;
  const target = { taskQueue: `bench-${ctx.runId}-${name}`, database: `bench_${ctx.runId}_${name}` };
  const mongo = new MongoClient(ctx.stack.mongo.uri);
  const processes: BenchProcess[] = [];
  try {
    const receiver = await startHookflowProcess(ctx, 'receiver', target);
    processes.push(receiver);
    const workers = await Promise.all(
      Array.from({ length: count }, () => startHookflowProcess(ctx, 'worker', { ...target, ...(configFile ? { configFile } : {}) })),
    );
    processes.push(...workers);
    const events = mongo.db(target.database).collection<EventTimes>('events');
    const url = `${receiver.url}/webhooks/bench`;
    // Progress is followed in Temporal's visibility, not by counting in MongoDB: on FerretDB a
    // count scans the whole collection, on the very server the workers are waiting for.
    const closedSince = (since: number, expected: number) => waitForClosedWorkflows(ctx.client, target.taskQueue, since, expected);

    const warm = await runHttpLoad({ url, connections, amount: Math.max(20, connections), type });
    await closedSince(warm.startedAt, warm.ok);

    const meter = cpuMeter({ receiver: receiver.pid, ...Object.fromEntries(workers.map((w, i) => [`worker${i + 1}`, w.pid])), ...ctx.stackPids });
    meter.start();
    const ingress = await runHttpLoad({ url, connections, amount: e2eEvents, type });
    const t0 = ingress.startedAt;
    const runs = await closedSince(t0, ingress.ok);
    const cpu = meter.stop();
    const memory = { receiver: receiver.memory(), workers: workers.map((w) => w.memory()) };
    if (ctx.options.keep) await Promise.all(workers.map(saveWorkerMetrics));

    const done = await events
      .find({ status: 'succeeded', receivedAt: { $gte: new Date(t0) } }, { projection: { receivedAt: 1, completedAt: 1 } })
      .toArray();
    const lastAt = done.reduce((last, doc) => Math.max(last, doc.completedAt?.getTime() ?? 0), 0);
    const succeeded = summarizeCompletion(
      t0,
      lastAt,
      done.map((doc) => (doc.completedAt?.getTime() ?? lastAt) - doc.receivedAt.getTime()),
    );
    const closed = summarizeCompletion(t0, runs.lastCloseAt, runs.latenciesMs);
    return { workers: count, ingress, accepted: ingress.ok, succeeded, closed, drained: !runs.timedOut, memory, cpu };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await mongo.close();
  }
}
