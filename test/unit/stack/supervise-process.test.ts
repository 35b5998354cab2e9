import { waitUntil } from '../../../src/stack/wait-until';
import type { RestartPolicy } from '../../../src/stack/supervise/restart-policy';
import { describeExit, superviseProcess, type GaveUp, type Launched } from '../../../src/stack/supervise/supervise-process';

/** The default policy's shape, in milliseconds a test can wait for. */
const policy: RestartPolicy = { initialDelayMs: 10, maxDelayMs: 40, resetAfterMs: 1_000, quickFailureMs: 50, maxQuickFailures: 3 };

/** A stand-in process: ready at once or never, exits when told to. */
function fakeRun(pid: number, options: { ready?: boolean } = {}) {
  let exit!: (how: number | string) => void;
  const exited = new Promise<number | string>((resolve) => (exit = resolve));
  const run: Launched & { exit: typeof exit; stopped: boolean } = {
    pid,
    exited,
    ready: options.ready === false ? new Promise<void>(() => undefined) : Promise.resolve(),
    stopped: false,
    exit,
    async stop() {
      run.stopped = true;
      exit('SIGTERM');
    },
    lastLines: () => `last line of ${pid}`,
  };
  return run;
}

describe('superviseProcess', () => {
  test('a run that exits is launched again after the backoff, logged with how it ended, and counted', async () => {
    const lines: string[] = [];
    const runs = [fakeRun(1), fakeRun(2)];
    let launches = 0;
    const changes: number[] = [];
    const supervised = superviseProcess({
      name: 'worker 1',
      id: 'worker-1',
      launch: async () => runs[launches++],
      fix: 'fix it',
      log: (line) => lines.push(line),
      onChange: (p) => changes.push(p.restarts),
      onGiveUp: () => {
        throw new Error('gave up');
      },
      policy,
    });
    await supervised.firstReady;
    expect([supervised.state, supervised.pid, supervised.restarts]).toEqual(['up', 1, 0]);
    await new Promise((r) => setTimeout(r, 60)); // past quickFailureMs: not a failure at once
    runs[0].exit('SIGKILL');
    await waitUntil('the second run', async () => (supervised.pid === 2 && supervised.state === 'up' ? true : undefined), { timeoutMs: 2_000, intervalMs: 5 });
    expect(supervised.restarts).toBe(1);
    expect(lines[0]).toMatch(/^worker 1 exited \(signal SIGKILL\) after [\d.]+ s; starting it again in 0.01 s$/);
    expect(lines[1]).toBe('worker 1 is back (pid 2), 1 restart so far');
    expect(changes).toContain(1);

    await supervised.stop();
    expect([runs[1].stopped, supervised.state, launches]).toEqual([true, 'stopped', 2]);
  });

  test('failures at once in a row give up with the last lines and the fix; nothing is launched after', async () => {
    let launches = 0;
    let gaveUp: GaveUp | undefined;
    const supervised = superviseProcess({
      name: 'worker 1',
      id: 'worker-1',
      launch: async () => {
        const run = fakeRun(++launches, { ready: false });
        setTimeout(() => run.exit(1), 1);
        return run;
      },
      fix: 'check the handlers module',
      log: () => undefined,
      onGiveUp: (g) => (gaveUp = g),
      policy,
    });
    await expect(supervised.firstReady).rejects.toThrow('worker 1 failed at once 3 times in a row (exit code 1)');
    expect(gaveUp).toEqual({ name: 'worker 1', failures: 3, lastExit: 'exit code 1', lastLines: 'last line of 3', fix: 'check the handlers module' });
    expect(supervised.state).toBe('failed');
    await new Promise((r) => setTimeout(r, 100));
    expect(launches).toBe(3);
  });

  test('a launch that rejects is a failure at once, logged by its first line; stop() during the backoff cancels the restart', async () => {
    let launches = 0;
    const lines: string[] = [];
    const initial = fakeRun(7);
    const supervised = superviseProcess({
      name: 'FerretDB',
      id: 'ferretdb',
      initial,
      launch: async () => {
        launches++;
        throw new Error('port 27017 is taken\nmore detail');
      },
      fix: 'HOOKFLOW_MONGO_PORT',
      log: (line) => lines.push(line),
      onGiveUp: () => undefined,
      policy,
    });
    await supervised.firstReady;
    await new Promise((r) => setTimeout(r, 60));
    initial.exit('SIGKILL');
    await waitUntil('two failed launches', async () => (launches >= 2 ? true : undefined), { timeoutMs: 2_000, intervalMs: 2 });
    expect(lines[1]).toMatch(/^FerretDB exited \(did not start: port 27017 is taken\) after [\d.]+ s; starting it again in 0.02 s$/);
    await supervised.stop();
    const after = launches;
    await new Promise((r) => setTimeout(r, 100));
    expect([launches, supervised.state]).toEqual([after, 'stopped']);
    expect([describeExit('SIGKILL'), describeExit(3), describeExit('spawn ENOENT')]).toEqual(['signal SIGKILL', 'exit code 3', 'spawn ENOENT']);
  });
});
