import { Counter, type Registry } from 'prom-client';
import type { ReconcileOutcome } from '../reconcile/reconcile-report';

/** `hookflow_reconciled_events_total{source,outcome}` on a registry; returns what to count with. */
export function createReconciledCounter(registry: Registry): (source: string, outcome: ReconcileOutcome, n: number) => void {
  const counter = new Counter({
    name: 'hookflow_reconciled_events_total',
    help: "Events a reconciliation run found through the provider's API, by source and outcome (already_stored, recovered, failed).",
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  return (source, outcome, n) => counter.inc({ source, outcome }, n);
}
