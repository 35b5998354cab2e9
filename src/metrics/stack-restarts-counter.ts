import { Counter, type Registry } from 'prom-client';
import { readStackState } from '../stack/supervise/stack-state-file';

/**
 * `hookflow_stack_restarts_total{process}`: restarts the embedded stack (`hookflow start`) made
 * of its processes. The stack keeps the counts in `file`, which this reads at each scrape, so the
 * receiver reports its own restarts too.
 */
export function registerStackRestarts(registry: Registry, file: string): void {
  new Counter({
    name: 'hookflow_stack_restarts_total',
    help: 'Restarts by `hookflow start` of a process of its embedded stack that exited (receiver, worker-N, temporal, ferretdb, postgres, mongod).',
    labelNames: ['process'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [process, count] of Object.entries(readStackState(file).restarts)) this.inc({ process }, count);
    },
  });
}
