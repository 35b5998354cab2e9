import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * The SDK logs only at ERROR, its Rust core too: tests fail activities and replays on purpose,
 * and each failure would log a WARN. Once per process; the first install in a process wins.
 */
export function quietRuntime(): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Already installed in this process.
  }
}
