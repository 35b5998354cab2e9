import { HttpError } from '../errors/http-errors';
import type { EventStatus } from '../types/webhook-event';
import type { AdminDeps } from './admin-deps';
import type { EventFilter } from './event-filter';
import { EVENTS_ORDER, eventsQuery } from './events-query';
import type { Pacer } from './pacer';
import { replayEvent } from './replay-event';
import { retryEvent } from './retry-event';

/** The most events one bulk request may touch. */
export const MAX_BULK_LIMIT = 1_000;

/** What a bulk retry matches when no status is given: the states a retry is for. */
export const RETRY_STATUSES: readonly EventStatus[] = ['failed', 'cancelled', 'terminated'];

export interface BulkRequest {
  readonly action: 'retry' | 'replay';
  readonly filter: EventFilter;
  /** At most this many matching events (newest first) are considered. */
  readonly limit: number;
  readonly dryRun: boolean;
  readonly reason?: string;
  /** Match replays (`#replay-<n>`) too; without it a bulk replay would replay earlier replays. */
  readonly includeReplays?: boolean;
}

export interface BulkReport {
  readonly action: 'retry' | 'replay';
  readonly dryRun: boolean;
  /** Whether replays were matched too (only when asked). */
  readonly includeReplays: boolean;
  /** Events that matched the filter, up to the limit. */
  readonly matched: number;
  /** How many started (or, on a dry run, would start). */
  readonly count: number;
  /** Dry run: the events that would start. */
  readonly wouldStart?: string[];
  /**
   * The events started, each with its workflow ID (`#replay-<n>` for replays) and, for a retry,
   * the actions not run again because they succeeded before.
   */
  readonly started?: { id: string; workflowId: string; alreadySucceeded?: string[] }[];
  readonly skipped: { id: string; reason: string }[];
  /** Set when the run stopped before the end (an error, the client left, shutdown). */
  readonly stopped?: string;
}

/**
 * Retry or replay every event a filter matches, up to `limit`, one at a time, leaving out
 * replays unless `includeReplays`; a dry run matches exactly the same events. Starts are paced
 * (the pacer is shared by all bulk requests of the server, at admin.bulkRatePerSecond), so new
 * deliveries are not starved. An event that cannot run (409 and the like) is skipped with the
 * reason; any other error stops the run, and the report says how far it got.
 */
export async function runBulk(
  deps: AdminDeps,
  request: BulkRequest,
  { pacer, signal }: { pacer: Pacer; signal?: AbortSignal },
): Promise<BulkReport> {
  const filter = {
    ...request.filter,
    ...(request.action === 'retry' && request.filter.statuses === undefined ? { statuses: RETRY_STATUSES } : {}),
    // Replays match the same source, type and status as their original, so each bulk replay
    // would also replay the replays of the one before it (issue #16).
    ...(request.includeReplays ? {} : { excludeReplays: true }),
  };
  const matches = await deps.events
    .find(eventsQuery(filter), { projection: { _id: 1 } })
    .sort(EVENTS_ORDER)
    .limit(request.limit)
    .toArray();
  const run = request.action === 'retry' ? retryEvent : replayEvent;
  const wouldStart: string[] = [];
  const started: NonNullable<BulkReport['started']> = [];
  const skipped: { id: string; reason: string }[] = [];
  let stopped: string | undefined;
  for (const { _id: id } of matches) {
    if (signal?.aborted) {
      stopped = `stopped before ${id}: ${String(signal.reason ?? 'aborted')}`;
      break;
    }
    try {
      const outcome = await run(deps, id, { reason: request.reason, dryRun: request.dryRun, beforeStart: () => pacer.wait() });
      if (request.dryRun) wouldStart.push(id);
      else {
        const kept = 'alreadySucceeded' in outcome ? outcome.alreadySucceeded : [];
        started.push({ id, workflowId: outcome.workflowId ?? id, ...(kept.length > 0 ? { alreadySucceeded: kept } : {}) });
      }
    } catch (error) {
      if (error instanceof HttpError && error.status < 500) {
        skipped.push({ id, reason: error.message });
        continue;
      }
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error({ err: error, workflowId: id, action: request.action }, 'bulk run stopped');
      skipped.push({ id, reason: message });
      stopped = `stopped at ${id}: ${message}`;
      break;
    }
  }
  const report: BulkReport = {
    action: request.action,
    dryRun: request.dryRun,
    includeReplays: request.includeReplays === true,
    matched: matches.length,
    count: request.dryRun ? wouldStart.length : started.length,
    ...(request.dryRun ? { wouldStart } : { started }),
    skipped,
    ...(stopped ? { stopped } : {}),
  };
  deps.logger.info(
    { action: request.action, dryRun: request.dryRun, matched: report.matched, count: report.count, skipped: skipped.length, stopped },
    `bulk ${request.action}${request.dryRun ? ' (dry run)' : ''} done`,
  );
  return report;
}
