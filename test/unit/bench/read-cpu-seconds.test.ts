import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readCpuSeconds } from '../../../bench/read-cpu-seconds';

// A child that burns 400 ms of CPU, then says so; PostgreSQL's backends are such children.
const BURN = `const t = process.cpuUsage(); while (process.cpuUsage(t).user < 400000); console.log('burned')`;

/** A shell running `script`, once it has printed `line`. */
async function shellUntil(script: string, line: string): Promise<ChildProcess> {
  const shell = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let out = '';
  shell.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  while (!out.includes(line)) await once(shell.stdout!, 'data');
  return shell;
}

describe('readCpuSeconds: a process with its descendants', () => {
  const shells: ChildProcess[] = [];
  afterEach(() => {
    // Its own process group (detached): the shell and its children go together.
    for (const shell of shells.splice(0)) process.kill(-shell.pid!, 'SIGKILL');
  });

  const start = async (script: string, line: string) => {
    const shell = await shellUntil(script, line);
    shells.push(shell);
    return shell;
  };

  test("counts a live child's CPU in its parent, as a postmaster's backends", async () => {
    const shell = await start(`node -e "${BURN}; setInterval(() => {}, 1000)" & wait`, 'burned');
    expect(readCpuSeconds(shell.pid!)).toBeGreaterThanOrEqual(0.39);
  });

  test('keeps the CPU of a child that exited and was reaped', async () => {
    const shell = await start(`node -e "${BURN}"; echo reaped; sleep 30`, 'reaped');
    expect(readCpuSeconds(shell.pid!)).toBeGreaterThanOrEqual(0.39);
  });

  test('is undefined for a process that is gone', async () => {
    const shell = spawn('true');
    await once(shell, 'exit');
    expect(readCpuSeconds(shell.pid!)).toBeUndefined();
  });
});
