import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { MaintenanceActivities, PurgeInput } from '../activities/create-maintenance-activities';

const { purgeExpiredEvents } = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** Activity calls one run makes before it continues as new, keeping its history small. */
const CALLS_PER_RUN = 100;

export interface PurgeEventsResult {
  readonly recordsDeleted: number;
  readonly payloadsPurged: number;
  readonly bodiesDeleted: number;
}

/**
 * The retention policy, started by the `<taskQueue>/purge` Schedule (src/retention/): purge in
 * bounded batches until a batch comes back short.
 */
export async function purgeEvents(input: PurgeInput): Promise<PurgeEventsResult> {
  let total = { recordsDeleted: 0, payloadsPurged: 0, bodiesDeleted: 0 };
  for (let call = 0; call < CALLS_PER_RUN; call++) {
    const counts = await purgeExpiredEvents(input);
    total = {
      recordsDeleted: total.recordsDeleted + counts.recordsDeleted,
      payloadsPurged: total.payloadsPurged + counts.payloadsPurged,
      bodiesDeleted: total.bodiesDeleted + counts.bodiesDeleted,
    };
    if (!counts.more) return total;
  }
  return continueAsNew<typeof purgeEvents>(input);
}
