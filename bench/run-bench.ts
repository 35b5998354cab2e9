import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { env } from '../src/config/env';
import { loadConfig } from '../src/config/load-config';
import { makeStackDir } from '../src/stack/paths';
import { ensureSearchAttributes } from '../src/temporal/ensure-search-attributes';
import type { BenchContext } from './bench-context';
import { IO_WAIT_MS } from './bench-handlers';
import type { BenchResults } from './bench-results';
import { evaluateTargets } from './evaluate-targets';
import { findPids } from './find-pids';
import { formatTable } from './format-table';
import { measureBareEndToEnd } from './measure-bare-end-to-end';
import { measureEndToEnd, type EndToEndResult } from './measure-end-to-end';
import { measureEngineAndReceiver } from './measure-engine-and-receiver';
import { measureFrameworkCeiling } from './measure-framework-ceiling';
import { measureStoreGrowth } from './measure-store-growth';
import { parseBenchOptions, USAGE, type BenchOptions } from './parse-bench-options';
import { pinTemporal } from './pin-temporal';
import { startBenchStack } from './start-bench-stack';
import { writeBenchConfig } from './write-bench-config';

/** Worker processes of (e), as the benchmark issue (#6) sets them: e3/e1 is its ratio. */
const IO_WORKERS = [1, 3] as const;
/**
 * Each (e) worker runs at most this many actions at once (issue #10): with a 1 s handler the
 * workers are the bottleneck by construction, so adding workers shows, even on 2 cores.
 */
const IO_WORKER_CAP = 4;
/** (f): how many events are already stored before the batch, to show how the cost grows with the store. */
const STORED = [0, 5_000, 20_000] as const;

/**
 * `npm run bench`: provision the embedded stack in a temp dir (or use TEMPORAL_ADDRESS and
 * MONGODB_URI, as `npm start` does), run (a) to (e), print the table and write the JSON.
 * Exits 0 whatever the figures: a missed target is a finding, not a failure. Only a scenario
 * that could not run at all makes it exit 1.
 */
export async function runBench(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    // A mistyped flag: say which, not where in the bench's code it was noticed.
    console.error(`bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const began = Date.now();
  const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
  const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
  // Ctrl-C: exit through process 'exit', where the servers and processes we started are killed.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));

  const dir = makeStackDir(options.dataDir, 'hookflow-bench-');
  const conditions = {
    startedAt: new Date(began).toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    dataDir: options.dataDir,
    options: { duration: options.duration, connections: options.connections, e2eEvents: options.e2eEvents, only: [...options.only] },
    // 1-, 5- and 15-minute load averages, after each scenario too. The bench's own processes
    // raise them; the `machine` CPU figures say whether other work shared the machine.
    loadAverage: { start: loadAverage() } as Record<string, number[]>,
  };
  log(`stack in ${dir} (load average ${conditions.loadAverage.start.join(' ')})`);
  // The bench config names this namespace, so every hookflow process and the bench's client agree.
  const namespace = env('TEMPORAL_NAMESPACE') ?? 'default';
  const stack = await startBenchStack(dir, log, { namespace, temporalAddress: env('TEMPORAL_ADDRESS'), mongoUri: env('MONGODB_URI') }).catch(
    (error: unknown) => {
      if (!options.keep) rmSync(dir, { recursive: true, force: true });
      throw error;
    },
  );
  let connection: Connection | undefined;
  const results: Record<string, unknown> = {};
  const failures: Record<string, string> = {};
  try {
    connection = await Connection.connect({ address: stack.temporal.address });
    // The embedded server is started with them; a server from TEMPORAL_ADDRESS may lack them.
    await ensureSearchAttributes(connection, namespace);
    const temporalTarget = { address: stack.temporal.address, namespace };
    const configFile = writeBenchConfig(dir, temporalTarget, stack.mongo.uri);
    const cappedConfigFile = writeBenchConfig(dir, temporalTarget, stack.mongo.uri, { maxConcurrentActions: IO_WORKER_CAP });
    const ctx: BenchContext = {
      options,
      dir,
      stack,
      configFile,
      cappedConfigFile,
      config: loadConfig(configFile),
      client: new Client({ connection, namespace }),
      runId: randomBytes(3).toString('hex'),
      stackPids: {
        temporal: findPids(path.join(dir, 'temporal.sqlite'))[0],
        ...stack.pids,
      },
    };
    log(`Temporal ${stack.temporal.address} (${stack.temporal.via}), MongoDB ${stack.mongo.uri} (${stack.mongo.via})`);
    if (options.pinTemporal) {
      const pinning = pinTemporal(ctx.stackPids);
      Object.assign(conditions, { pinning });
      log(`pinned: Temporal on CPU ${pinning.temporal}; this process, FerretDB, PostgreSQL and everything started from here on CPU ${pinning.rest}`);
    }
    const { connections, duration, e2eEvents } = options;
    const run = async <T>(key: string, what: string, measure: () => Promise<T>): Promise<void> => {
      if (![...key].some((scenario) => options.only.has(scenario as never))) return;
      log(`${what} ...`);
      try {
        const result = await measure();
        if (result !== undefined) results[key] = result;
      } catch (error) {
        failures[key] = (error as Error).stack ?? String(error);
        log(`${what} FAILED: ${(error as Error).message}`);
      }
      conditions.loadAverage[`after ${key}`] = loadAverage();
    };
    await run('a', `(a) bare Koa + HMAC, ${connections} connections, ${duration} s`, () => measureFrameworkCeiling(ctx));
    await run('bc', `(b) client.workflow.start and (c) hookflow receiver, ${connections} in flight, ${duration} s each`, async () => {
      Object.assign(results, await measureEngineAndReceiver(ctx, { b: options.only.has('b'), c: options.only.has('c') }));
      return undefined;
    });
    await run('d', `(d) end to end, no-op handler vs bare workflow, ${e2eEvents} events each, baseline-hookflow-hookflow-baseline`, async () => {
      const bare = await measureBareEndToEnd(ctx);
      const hookflow = await measureEndToEnd(ctx, { name: 'd', type: 'bench.noop', workers: 1 });
      const hookflow2 = await measureEndToEnd(ctx, { name: 'd2', type: 'bench.noop', workers: 1 });
      const bare2 = await measureBareEndToEnd(ctx);
      return [
        { hookflow, bare },
        { hookflow: hookflow2, bare: bare2 },
      ];
    });
    await run('e', `(e) end to end, ${IO_WAIT_MS} ms I/O handler, ${e2eEvents} events, ${IO_WORKERS.join(' and ')} workers of ${IO_WORKER_CAP} actions each`, async () => {
      const runs: EndToEndResult[] = [];
      for (const workers of IO_WORKERS) {
        log(`(e) ${workers} worker(s) ...`);
        runs.push(await measureEndToEnd(ctx, { name: `e${workers}`, type: 'bench.io', workers, configFile: cappedConfigFile }));
      }
      return runs;
    });
    await run('f', `(f) end to end, no-op handler, with ${STORED.join(', ')} events already stored`, () => measureStoreGrowth(ctx, STORED, log));

    const rows = evaluateTargets(results as BenchResults);
    const report = {
      conditions: { ...conditions, seconds: (Date.now() - began) / 1000 },
      stack: { temporal: stack.temporal.via, mongo: stack.mongo.via },
      results,
      targets: rows,
      ...(Object.keys(failures).length ? { failures } : {}),
    };
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${formatTable(results as BenchResults, rows, conditions.loadAverage)}\n`);
    log(`figures written to ${path.relative(process.cwd(), options.out) || options.out}; ${options.keep ? `logs kept in ${dir}` : 'temp dir removed'}`);
    return Object.keys(failures).length ? 1 : 0;
  } finally {
    await connection?.close();
    await stack.stop();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}
