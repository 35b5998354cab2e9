import { writeFileSync } from 'node:fs';
import type { HookflowProcess } from './start-hookflow-process';

/**
 * Save what a hookflow worker serves at /metrics (its own figures and the Temporal SDK's:
 * schedule-to-start latencies, slot use, sticky cache) next to its log, for --keep runs: the
 * first place to look when a throughput is low. Best effort: the figures are already measured.
 */
export async function saveWorkerMetrics(worker: HookflowProcess): Promise<void> {
  try {
    const response = await fetch(`${worker.url}/metrics`);
    writeFileSync(worker.logFile.replace(/\.log$/, '.metrics.txt'), await response.text());
  } catch {
    // A diagnostic that fails changes none of the figures.
  }
}
