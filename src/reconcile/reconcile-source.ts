import type { Client } from '@temporalio/client';
import type { Collection } from 'mongodb';
import type { HookflowConfig, SourceConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import { eventIdProblem } from '../receiver/build-event';
import { planEvent } from '../receiver/plan-event';
import type { BodyStore } from '../store/body-store';
import type { EventDocument } from '../store/documents';
import type { NonceStore } from '../store/nonce-store';
import { startProcessing } from '../temporal/start-processing';
import { openListing } from './open-listing';
import type { ListedEvent } from './provider-listing';
import { ReconcileError } from './reconcile-error';
import type { ReconcileSettings } from './reconcile-settings';
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
  if (!settings) throw new ReconcileError(sourceName, 'only stripe and github sources with their API settings (apiKey; apiToken and hook, or hook.appId and hook.privateKey) can be reconciled');
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
        // An ID the receiver would refuse (400) is refused here too, dry run or not: nothing
        // could start or record it, and the operator should see it rather than a "missing" event.
        const problem = eventIdProblem(listed.eventId);
        if (problem) {
          failed++;
          if (failures.length < LISTED_FAILURES) failures.push({ eventId: listed.eventId, error: problem });
          log.warn({ eventId: listed.eventId, reason: problem }, 'the provider lists an event whose ID cannot name a workflow; not started');
          continue;
        }
        if (stored.has(`${sourceName}:${listed.eventId}`)) {
          alreadyStored++;
          continue;
        }
        // Redeliver mode asks again only for deliveries no attempt of which was acknowledged: a
        // 2xx from the receiver means Temporal has the event (or it needed no workflow).
        if (settings.mode === 'redeliver' && listed.redeliver && listed.acknowledged) {
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
    throw explain(error, sourceName, settings);
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
  // Only IDs that could have been stored: FerretDB over PostgreSQL refuses a U+0000 even in a filter.
  const ids = page.filter((listed) => eventIdProblem(listed.eventId) === undefined).map((listed) => `${source}:${listed.eventId}`);
  if (ids.length === 0) return new Set();
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
function explain(error: unknown, source: string, settings: ReconcileSettings): unknown {
  const { status } = apiErrorStatus(error);
  const { provider, hook } = settings;
  const field = provider === 'stripe' ? 'apiKey' : hook && 'appId' in hook ? "the App's JWT (hook.appId, hook.privateKey)" : 'apiToken';
  if (status === 401) return new ReconcileError(source, `the ${provider} API refused ${field} (401): ${(error as Error).message}`);
  if (status === 403) return new ReconcileError(source, `${field} may not read this (403): ${(error as Error).message}`);
  if (status === 404 && provider === 'github') {
    return new ReconcileError(source, `no such hook, or ${field} cannot see it (404): ${(error as Error).message}`);
  }
  return error;
}
