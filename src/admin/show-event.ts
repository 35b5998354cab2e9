import { NotFoundError } from '../errors/http-errors';
import { attemptsOfRun } from '../store/attempt-records';
import type { AdminDeps } from './admin-deps';
import { describeRun, type RunInfo } from './describe-run';
import { eventDetail, eventSummary, type EventDetail, type EventSummary } from './event-view';
import { findReplays } from './find-replays';
import { temporalUiUrl } from './temporal-ui-url';

export interface EventDetails {
  /** The MongoDB document; null while Temporal runs a workflow that has not recorded it yet. */
  readonly event: EventDetail | null;
  /** The latest run; null when Temporal has no workflow of this ID (past retention, say). */
  readonly temporal: RunInfo | null;
  readonly replays: EventSummary[];
  readonly temporalUrl: string;
}

/** Everything about one event, from MongoDB and Temporal. 404 when neither knows it. */
export async function showEvent(deps: Pick<AdminDeps, 'config' | 'temporal' | 'events' | 'attempts'>, id: string): Promise<EventDetails> {
  const [doc, run] = await Promise.all([
    deps.events.findOne({ _id: id }, { projection: { rawBody: 0 } }),
    describeRun(deps.temporal, id),
  ]);
  if (!doc && !run) throw new NotFoundError(`no event ${JSON.stringify(id)}`);
  // The recorded run's attempts only: the action records describe that run. A record the
  // receiver wrote names no run until the run's first write (its outcome, on the default path):
  // until then it describes the latest run, whose failed attempts are already on the timeline.
  const runId = doc?.runId ?? (doc ? run?.runId : undefined);
  const [replays, attempts] = await Promise.all([
    findReplays(deps.events, id),
    runId && deps.attempts ? attemptsOfRun(deps.attempts, id, runId) : {},
  ]);
  return {
    event: doc ? eventDetail(doc, attempts) : null,
    temporal: run ?? null,
    replays: replays.map((replay) => eventSummary(replay)),
    temporalUrl: temporalUiUrl(deps.config.temporal.uiUrl, deps.config.temporal.namespace, id),
  };
}
