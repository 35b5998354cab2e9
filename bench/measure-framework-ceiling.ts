import path from 'node:path';
import { freePort } from '../src/stack/free-port';
import type { BenchContext } from './bench-context';
import { cpuMeter, type CpuUse } from './cpu-meter';
import { runHttpLoad, type HttpLoadResult } from './run-http-load';
import { loggedMsg, startBenchProcess } from './start-bench-process';

const TSX = require.resolve('tsx/cjs');
/** Unmeasured load first, as before (b) and (c): JIT, keep-alive connections. */
const WARMUP_SECONDS = 3;

/** (a): the bare Koa + HMAC endpoint in its own process, under the same load as (c). */
export async function measureFrameworkCeiling(ctx: BenchContext): Promise<HttpLoadResult & { readonly cpu: CpuUse }> {
  const { connections, duration } = ctx.options;
  const port = await freePort();
  const server = await startBenchProcess(
    'bare-koa',
    ['--require', TSX, path.join(__dirname, 'bare-koa-server.ts')],
    { BENCH_PORT: String(port) },
    path.join(ctx.dir, 'bare-koa.log'),
    loggedMsg('bare listening'),
  );
  try {
    const url = `http://127.0.0.1:${port}/webhooks/bench`;
    await runHttpLoad({ url, connections, duration: WARMUP_SECONDS, type: 'bench.noop' });
    const meter = cpuMeter({ server: server.pid });
    meter.start();
    const result = await runHttpLoad({ url, connections, duration, type: 'bench.noop' });
    return { ...result, cpu: meter.stop() };
  } finally {
    await server.stop();
  }
}
