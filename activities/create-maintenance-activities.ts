import { ApplicationFailure, Context } from '@temporalio/activity';
import { ReconcileError } from '../src/reconcile/reconcile-error';
import { purgeBatch, type PurgeCollections, type PurgeCounts } from '../src/retention/purge-batch';
import type { ReconcileReport } from '../src/reconcile/reconcile-report';

const DAY_MS = 86_400_000;

export interface PurgeInput {
  /** retention.days: payloads of events closed longer ago are purged. */
  readonly days: number;
  /** retention.keepRecordDays: records of events closed longer ago are deleted. */
  readonly keepRecordDays: number;
  readonly batchSize: number;
}

export interface ReconcileInput {
  readonly source: string;
  readonly lookbackMs: number;
}

export interface MaintenanceDeps {
  readonly store: PurgeCollections;
  /** Runs one reconciliation of a source; absent on workers that cannot (tests, no config). */
  readonly reconcile?: (input: ReconcileInput, signal: AbortSignal) => Promise<ReconcileReport>;
}

/** Batches one purge activity runs before it hands back to the workflow (bounded activity time). */
const BATCHES_PER_ACTIVITY = 20;

/**
 * The scheduled jobs' activities (workflows/purge-events.ts, workflows/reconcile-events.ts),
 * beside createActivities' event processing: nothing here writes a document a workflow may be
 * writing.
 */
export function createMaintenanceActivities({ store, reconcile }: MaintenanceDeps) {
  return {
    /** Up to BATCHES_PER_ACTIVITY purge batches, heartbeating the running totals. */
    async purgeExpiredEvents(input: PurgeInput): Promise<PurgeCounts> {
      const ctx = Context.current();
      const now = new Date();
      const cutoffs = {
        payloadsBefore: new Date(now.getTime() - input.days * DAY_MS),
        recordsBefore: new Date(now.getTime() - input.keepRecordDays * DAY_MS),
        batchSize: input.batchSize,
        now,
      };
      let total: PurgeCounts = { recordsDeleted: 0, payloadsPurged: 0, bodiesDeleted: 0, noncesDeleted: 0, attemptsDeleted: 0, more: true };
      for (let i = 0; i < BATCHES_PER_ACTIVITY && total.more; i++) {
        const batch = await purgeBatch(store, cutoffs);
        total = {
          recordsDeleted: total.recordsDeleted + batch.recordsDeleted,
          payloadsPurged: total.payloadsPurged + batch.payloadsPurged,
          bodiesDeleted: total.bodiesDeleted + batch.bodiesDeleted,
          noncesDeleted: total.noncesDeleted + batch.noncesDeleted,
          attemptsDeleted: total.attemptsDeleted + batch.attemptsDeleted,
          more: batch.more,
        };
        ctx.heartbeat(total);
      }
      if (total.recordsDeleted + total.payloadsPurged + total.bodiesDeleted > 0) {
        ctx.log.info('retention purge', { ...total });
      }
      return total;
    },

    async reconcileSource(input: ReconcileInput): Promise<ReconcileReport> {
      if (!reconcile) throw new Error('this worker cannot reconcile: it was started without the config and a Temporal client');
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), 5_000);
      try {
        return await reconcile(input, ctx.cancellationSignal);
      } catch (error) {
        // A refused key or a missing setting is the operator's to fix: retrying it would only
        // delay the error in the run's history; the next scheduled run tries again anyway.
        if (error instanceof ReconcileError) throw ApplicationFailure.nonRetryable(error.message, 'ReconcileError');
        throw error;
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
