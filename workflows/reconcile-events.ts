import { proxyActivities } from '@temporalio/workflow';
import type { MaintenanceActivities, ReconcileInput } from '../activities/create-maintenance-activities';
import type { ReconcileReport } from '../src/reconcile/reconcile-report';

const { reconcileSource } = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  // The activity retries the provider's API itself; this covers a worker lost mid-run. A run is
  // idempotent: events it already started are found stored (or in Temporal) the next time.
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 3 },
});

/** One scheduled reconciliation of a source (`sources.<name>.reconcile.every`). */
export async function reconcileEvents(input: ReconcileInput): Promise<ReconcileReport> {
  return reconcileSource(input);
}
