import type { Client } from '@temporalio/client';
import type { Collection } from 'mongodb';
import type { HookflowConfig, SourceConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import { planEvent } from '../receiver/plan-event';
import type { BodyStore } from '../store/body-store';
import type { EventDocument } from '../store/documents';
import type { NonceStore } from '../store/nonce-store';
import { startProcessing } from '../temporal/start-processing';
import { openListing } from './open-listing';
import type { ListedEvent } from './provider-listing';
import { ReconcileError } from './reconcile-error';
import type { ReconcileOutcome, ReconcileReport } from './reconcile-report';
import { recoveredAcceptance } from './recovered-acceptance';
import { apiErrorStatus } from './with-api-retries';

export interface ReconcileDeps {
  readonly config: HookflowConfig;
  readonly temporal: Client;
  readonly events: Collection<EventDocument>;
  readonly bodies: BodyStore;
  readonly logger: Logger;
  /** `hookflow_reconciled_events_total{source,outcome}`. */
  readonly count?: (source: string, outcome: ReconcileOutcome, n: number) => void;
  readonly now?: () => Date;
}

export interface ReconcileOptions {
  readonly since: Date;
  /** List and compare, start nothing. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

/** At most this many failures are listed in a report; all are counted. */
const LISTED_FAILURES = 50;

/** Reconciled events carry no single-use token, so the receiver's nonce step is never reached. */
const NO_NONCES: NonceStore = {
  claim: async () => true,
  purgeExpired: async () => 0,
};

/**
 * Ask the provider's API which events it sent since `options.since`, and feed each one this
 * deployment has no record of into the same pipeline as a delivery: claim check, routes, and
 * `startProcessing` under the same workflow ID, marked `recoveredBy: "reconcile"`. Temporal's
 * ID dedup makes a run idempotent and a late real delivery a duplicate. One MongoDB read per page.
 */
export async function reconcileSource(deps: ReconcileDeps, sourceName: string, options: ReconcileOptions): Promise<ReconcileReport> {
  const source = deps.config.sources.get(sourceName);
  if (!source) throw new ReconcileError(sourceName, `no such source (configured: ${[...deps.config.sources.keys()].join(', ')})`);
  const settings = source.reconcile;
  if (!settings) throw new ReconcileError(sourceName, 'only stripe and github sources with apiKey or apiToken can be reconciled');
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ source: sourceName });
  const listing = await openListing(source, settings, options.since, {
    onRetry: (info) => log.warn(info, `the ${settings.provider} API asked us to wait; retrying`),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  let found = 0;
  let alreadyStored = 0;
  const recoveredIds: string[] = [];
  const failures: { eventId: string; error: string }[] = [];
  let failed = 0;
  try {
    for await (const page of listing) {
      found += page.length;
      const stored = await storedIds(deps.events, sourceName, page);
      for (const listed of page) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (stored.has(`${sourceName}:${listed.eventId}`)) {
          alreadyStored++;
          continue;
        }
        if (options.dryRun) {
          recoveredIds.push(`${sourceName}:${listed.eventId}`);
          continue;
        }
        try {
          const outcome = await recover(deps, source, listed, settings.mode, now());
          if (outcome === 'duplicate') alreadyStored++;
          else recoveredIds.push(`${sourceName}:${listed.eventId}`);
        } catch (error) {
          failed++;
          if (failures.length < LISTED_FAILURES) failures.push({ eventId: listed.eventId, error: (error as Error).message });
          log.warn({ err: error, eventId: listed.eventId }, 'could not recover a missing event; the next run tries again');
        }
      }
    }
  } catch (error) {
    throw explain(error, sourceName, settings.provider);
  }
  const report: ReconcileReport = {
    source: sourceName,
    since: options.since.toISOString(),
    dryRun: options.dryRun ?? false,
    found,
    alreadyStored,
    recovered: recoveredIds.length,
    failed,
    recoveredIds,
    failures,
  };
  if (!report.dryRun) {
    deps.count?.(sourceName, 'already_stored', alreadyStored);
    deps.count?.(sourceName, 'recovered', report.recovered);
    deps.count?.(sourceName, 'failed', failed);
  }
  log.info(
    { since: report.since, dryRun: report.dryRun, found, alreadyStored, recovered: report.recovered, failed },
    report.dryRun ? 'reconciliation dry run' : 'reconciled',
  );
  return report;
}

/** Which of a page's events have a record here: one find by `_id: {$in}`. */
async function storedIds(events: Collection<EventDocument>, source: string, page: readonly ListedEvent[]): Promise<Set<string>> {
  if (page.length === 0) return new Set();
  const ids = page.map((listed) => `${source}:${listed.eventId}`);
  const docs = await events.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
  return new Set(docs.map((doc) => doc._id));
}

/** Start one missing event as a delivery would, or ask the provider to deliver it again. */
async function recover(
  deps: ReconcileDeps,
  source: SourceConfig,
  listed: ListedEvent,
  mode: 'feed' | 'redeliver',
  now: Date,
): Promise<'accepted' | 'duplicate'> {
  if (mode === 'redeliver' && listed.redeliver) {
    await listed.redeliver();
    return 'accepted';
  }
  const delivery = await listed.load();
  const accepted = recoveredAcceptance(source, delivery, now);
  const input = await planEvent(
    { config: deps.config, nonces: NO_NONCES, bodies: deps.bodies, logger: deps.logger },
    source,
    accepted,
    delivery.rawBody,
    now,
  );
  const { config } = deps;
  return startProcessing(
    deps.temporal,
    { taskQueue: config.temporal.taskQueue, ackTimeoutMs: config.server.ackTimeoutMs, ordering: config.ordering },
    input,
  );
}

/** A refused key is the operator's to fix: say so, naming the source. */
function explain(error: unknown, source: string, provider: string): unknown {
  const { status } = apiErrorStatus(error);
  const field = provider === 'stripe' ? 'apiKey' : 'apiToken';
  if (status === 401) return new ReconcileError(source, `the ${provider} API refused ${field} (401): ${(error as Error).message}`);
  if (status === 403) return new ReconcileError(source, `${field} may not read this (403): ${(error as Error).message}`);
  if (status === 404 && provider === 'github') {
    return new ReconcileError(source, `no such hook, or apiToken cannot see it (404): ${(error as Error).message}`);
  }
  return error;
}
