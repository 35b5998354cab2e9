import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_SOURCE } from './signed-event';

/**
 * One config file for every hookflow process of the run. Each process gets its own task queue
 * and database through HOOKFLOW_TASK_QUEUE and MONGODB_DATABASE, so no scenario's events reach
 * another's workers, and each run's documents are counted alone.
 */
export function writeBenchConfig(
  dir: string,
  temporal: { address: string; namespace: string },
  mongoUri: string,
  { maxConcurrentActions }: { maxConcurrentActions?: number } = {},
): string {
  const file = path.join(dir, maxConcurrentActions ? `hookflow.bench-${maxConcurrentActions}-actions.json` : 'hookflow.bench.json');
  const config = {
    $comment: 'written by bench/write-bench-config.ts',
    temporal,
    mongodb: { uri: mongoUri, database: 'bench' },
    ...(maxConcurrentActions ? { worker: { maxConcurrentActions } } : {}),
    handlers: path.join(__dirname, 'bench-handlers.ts'),
    sources: { bench: BENCH_SOURCE },
    routes: [
      { source: 'bench', events: ['bench.noop'], actions: [{ handler: 'noop' }] },
      { source: 'bench', events: ['bench.io'], actions: [{ handler: 'io' }] },
    ],
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
