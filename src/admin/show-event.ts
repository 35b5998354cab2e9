import { NotFoundError } from '../errors/http-errors';
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
export async function showEvent(deps: Pick<AdminDeps, 'config' | 'temporal' | 'events'>, id: string): Promise<EventDetails> {
  const [doc, run] = await Promise.all([
    deps.events.findOne({ _id: id }, { projection: { rawBody: 0 } }),
    describeRun(deps.temporal, id),
  ]);
  if (!doc && !run) throw new NotFoundError(`no event ${JSON.stringify(id)}`);
  const replays = await findReplays(deps.events, id);
  return {
    event: doc ? eventDetail(doc) : null,
    temporal: run ?? null,
    replays: replays.map((replay) => eventSummary(replay)),
    temporalUrl: temporalUiUrl(deps.config.temporal.uiUrl, deps.config.temporal.namespace, id),
  };
}
