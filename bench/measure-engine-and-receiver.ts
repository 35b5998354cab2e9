import type { BenchContext } from './bench-context';
import { cpuMeter, type CpuUse } from './cpu-meter';
import type { PeakMemory } from './read-peak-memory';
import { runHttpLoad } from './run-http-load';
import { runStartLoad } from './run-start-load';
import { startHookflowProcess } from './start-hookflow-process';
import { summarizeLatencies, type LatencySummary } from './summarize-latencies';

/** Unmeasured load before each, as before (a): JIT, the client's and receiver's connections. */
const WARMUP_SECONDS = 3;
/** b c, then c b: each gets an early and a late slot, so a drift in the machine's load hits both alike. */
const ROUNDS = 2;

/** One of (b) or (c), pooled over its rounds. */
export interface IngressResult {
  readonly seconds: number;
  readonly ok: number;
  readonly perSecond: number;
  /** Failed starts for (b); non-2xx answers and connection errors for (c). */
  readonly errors: number;
  readonly latencyMs: LatencySummary;
  /** Each round's throughput and p99, to see how much the machine moved under the run. */
  readonly rounds: readonly { readonly perSecond: number; readonly p99: number }[];
  readonly cpu: CpuUse;
  readonly firstError?: string;
}

export interface EngineAndReceiver {
  readonly b?: IngressResult;
  readonly c?: IngressResult & { readonly memory?: PeakMemory; readonly statusCodes: Record<string, number> };
}

/**
 * (b) and (c), interleaved: ROUNDS rounds of --duration/ROUNDS seconds each, b then c, then
 * c then b, pooled. On a machine shared with other work, a drift in its load hits both alike
 * instead of whichever ran second.
 *
 * (b): raw `client.workflow.start` of `processWebhook` with the input and options the receiver
 * would use, from the bench process. (c): a real `hookflow receiver` process, each request a
 * fresh signed event it verifies, starts and acknowledges. Same concurrency; no worker for
 * either, so both measure how fast Temporal durably accepts starts, not how fast they run.
 */
export async function measureEngineAndReceiver(ctx: BenchContext, run: { b: boolean; c: boolean }): Promise<EngineAndReceiver> {
  const { connections, duration } = ctx.options;
  const slice = duration / ROUNDS;
  const taskQueue = (name: string) => `bench-${ctx.runId}-${name}`;
  const receiver = run.c ? await startHookflowProcess(ctx, 'receiver', { taskQueue: taskQueue('c'), database: `bench_${ctx.runId}_c` }) : undefined;
  try {
    const startLoad = { client: ctx.client, config: ctx.config, workflowType: 'processWebhook', type: 'bench.noop' as const, connections };
    const measureB = async (seconds: number, samples?: number[]) => {
      const meter = cpuMeter(ctx.stackPids);
      meter.start();
      const result = await runStartLoad({ ...startLoad, taskQueue: taskQueue('b'), seconds, samples });
      return { ...result, cpu: meter.stop() };
    };
    const measureC = async (seconds: number, samples?: number[]) => {
      const meter = cpuMeter({ receiver: receiver!.pid, ...ctx.stackPids });
      meter.start();
      const result = await runHttpLoad({ url: `${receiver!.url}/webhooks/bench`, connections, duration: seconds, type: 'bench.noop', samples });
      return { ...result, errors: result.non2xx + result.errors, cpu: meter.stop() };
    };
    if (run.b) await measureB(WARMUP_SECONDS);
    if (run.c) await measureC(WARMUP_SECONDS);

    const pooled = { b: newPool(), c: newPool() };
    const statusCodes: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['b', 'c'] as const) : (['c', 'b'] as const);
      for (const which of order) {
        if (!run[which]) continue;
        const pool = pooled[which];
        const result = which === 'b' ? await measureB(slice, pool.samples) : await measureC(slice, pool.samples);
        pool.add(result);
        if ('statusCodes' in result) {
          for (const [code, count] of Object.entries(result.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
        }
      }
    }
    return {
      ...(run.b ? { b: pooled.b.result() } : {}),
      ...(run.c ? { c: { ...pooled.c.result(), statusCodes, memory: receiver!.memory() } } : {}),
    };
  } finally {
    await receiver?.stop();
  }
}

interface RoundResult {
  readonly seconds: number;
  readonly ok: number;
  readonly perSecond: number;
  readonly errors: number;
  readonly latencyMs: LatencySummary;
  readonly cpu: CpuUse;
  readonly firstError?: string;
}

function newPool() {
  const samples: number[] = [];
  const rounds: RoundResult[] = [];
  return {
    samples,
    add: (round: RoundResult) => rounds.push(round),
    result(): IngressResult {
      const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
      const ok = rounds.reduce((sum, r) => sum + r.ok, 0);
      const cores: Record<string, number> = {};
      for (const round of rounds) {
        for (const [name, busy] of Object.entries(round.cpu.cores)) cores[name] = (cores[name] ?? 0) + (busy * round.cpu.wallSeconds) / seconds;
      }
      const firstError = rounds.find((r) => r.firstError)?.firstError;
      return {
        seconds: Math.round(seconds * 100) / 100,
        ok,
        perSecond: Math.round((ok / seconds) * 10) / 10,
        errors: rounds.reduce((sum, r) => sum + r.errors, 0),
        latencyMs: summarizeLatencies(samples),
        rounds: rounds.map((r) => ({ perSecond: r.perSecond, p99: r.latencyMs.p99 })),
        cpu: { wallSeconds: seconds, cores: Object.fromEntries(Object.entries(cores).map(([n, c]) => [n, Math.round(c * 100) / 100])) },
        ...(firstError ? { firstError } : {}),
      };
    },
  };
}
