import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { env } from '../config/env';
import { resolveTemporalCli } from '../stack/temporal-cli';

/**
 * `hookflow temporal ...`: the `temporal` CLI the embedded stack runs (TEMPORAL_CLI, PATH or the
 * tool cache, where `npm start` installs it), with every argument passed through unchanged. It
 * lives in the tool cache, not on PATH, so the README's `temporal workflow list --query ...`
 * runs as `npm run hookflow -- temporal workflow list --query ...`. The CLI reads
 * TEMPORAL_ADDRESS itself; unless it is set, it is pointed at the embedded server's port.
 */
export async function runTemporalCli(argv: string[]): Promise<number> {
  const found = await resolveTemporalCli((line) => console.error(`[hookflow] ${line}`));
  if (!('path' in found)) {
    console.error(`hookflow: no temporal CLI found; tried:\n  ${found.attempts.join('\n  ')}\n\`npm start\` installs one into the tool cache.`);
    return 1;
  }
  const childEnv = { ...process.env };
  if (env('TEMPORAL_ADDRESS') === undefined) childEnv.TEMPORAL_ADDRESS = `127.0.0.1:${env('HOOKFLOW_TEMPORAL_PORT') ?? 7233}`;
  const child = spawn(found.path, argv, { stdio: 'inherit', env: childEnv });
  // Ctrl-C reaches the CLI too (same process group); this process waits for it to end.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1)));
    });
  } finally {
    process.off('SIGINT', ignore);
  }
}
