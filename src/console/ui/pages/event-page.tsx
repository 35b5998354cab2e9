import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { api, eventPath } from '../api';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog';
import { EventsTable } from '../components/events-table';
import { JsonTree } from '../components/json-tree';
import { Notice } from '../components/notice';
import { StatusBadge } from '../components/status-badge';
import { formatTime } from '../format';
import type { EventDetail, EventDetails } from '../types';
import { useData } from '../use-data';

const RUNNING = new Set(['processing', 'scheduled', 'held']);
const LIVE_REFRESH_MS = 3_000;

/** One event: what arrived, what ran, what Temporal says, and the interventions. */
export function EventPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const [confirm, setConfirm] = useState<ConfirmRequest | undefined>(undefined);
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const details = useData<EventDetails>(`event ${id}`, () => api.get(eventPath(id)), LIVE_REFRESH_MS);
  const d = details.data;
  const event = d?.event ?? null;

  const intervene = (action: 'retry' | 'replay' | 'cancel' | 'terminate', label: string, description: string) =>
    setConfirm({
      action: label,
      description,
      reasonRequired: action === 'cancel' || action === 'terminate',
      async run(reason) {
        const answer = await api.admin.post<Record<string, unknown>>(`${eventPath(id)}/${action}`, reason ? { reason } : {});
        details.reload();
        if (action === 'replay' && typeof answer.workflowId === 'string') return `Replay started: ${answer.workflowId}`;
        if (action === 'retry') return `Retry started: ${(answer.actions as string[] | undefined)?.join(', ') || 'no action left to run'}`;
        return action === 'cancel' ? 'Cancellation requested.' : 'Terminated.';
      },
    });

  return (
    <section aria-labelledby="event-title">
      <p>
        <Link href="/events">← Events</Link>
      </p>
      <h1 id="event-title" class="id">
        {id}
      </h1>
      <Notice error={details.error} loading={details.loading && !d} />
      {outcome && (
        <p class="success" role="status">
          {outcome}
        </p>
      )}
      {d && (
        <>
          <dl class="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={event?.status ?? d.temporal?.status.toLowerCase() ?? 'unknown'} />
              </dd>
            </div>
            {event && (
              <>
                <div>
                  <dt>Source</dt>
                  <dd>
                    {event.source} ({event.provider})
                  </dd>
                </div>
                <div>
                  <dt>Type</dt>
                  <dd>{event.type}</dd>
                </div>
                <div>
                  <dt>Event ID</dt>
                  <dd class="id">{event.eventId}</dd>
                </div>
                <div>
                  <dt>Received</dt>
                  <dd>{formatTime(event.receivedAt)}</dd>
                </div>
              </>
            )}
            <div>
              <dt>Temporal</dt>
              <dd>{d.temporal ? `${d.temporal.status}, ${d.temporal.historyLength} history events` : 'no workflow (past retention?)'}</dd>
            </div>
            <div>
              <dt>Temporal UI</dt>
              <dd>
                <a href={d.temporalUrl} target="_blank" rel="noopener noreferrer">
                  Open in the Temporal UI
                </a>
              </dd>
            </div>
            {event?.replayOf && (
              <div>
                <dt>Replay of</dt>
                <dd>
                  <Link href={eventPath(event.replayOf)}>{event.replayOf}</Link>
                </dd>
              </div>
            )}
            {event?.lastError && (
              <div>
                <dt>Last error</dt>
                <dd class="error-text">{event.lastError}</dd>
              </div>
            )}
          </dl>

          <div class="actions" role="group" aria-label="Interventions">
            <button type="button" disabled={!event || RUNNING.has(event.status) || event.status === 'succeeded'} onClick={() => intervene('retry', 'Retry', 'Runs again, under the same workflow ID, the actions that did not succeed, from the stored body and the routes in force now.')}>
              Retry
            </button>
            <button type="button" disabled={!event} onClick={() => intervene('replay', 'Replay', 'Runs every action again as a new, linked event (#replay-n), from the stored body.')}>
              Replay
            </button>
            <button type="button" disabled={d.temporal?.status !== 'RUNNING'} onClick={() => intervene('cancel', 'Cancel event', 'Asks the running workflow to stop: handlers see their signal abort, and the event ends cancelled.')}>
              Cancel event
            </button>
            <button type="button" class="danger" disabled={d.temporal?.status !== 'RUNNING'} onClick={() => intervene('terminate', 'Terminate', 'Stops the workflow at once, without cleanup; the record says terminated.')}>
              Terminate
            </button>
          </div>

          {event && <Timeline event={event} details={d} />}
          {event && <Actions event={event} details={d} />}

          {event && (
            <section aria-labelledby="payload-title">
              <h2 id="payload-title">Payload</h2>
              <p>
                {event.contentType}, {event.body.bytes} bytes{event.body.storage === 'claim-check' ? ' (stored apart: too large to show here)' : ''} ·{' '}
                <a href={`/console/api${eventPath(id)}/raw`} download>
                  Download raw body
                </a>
              </p>
              {event.purgedAt ? <p>Purged by the retention policy on {formatTime(event.purgedAt)}.</p> : event.payload !== undefined && <div class="json" aria-label="Payload as JSON"><JsonTree value={event.payload} /></div>}
            </section>
          )}

          {event && (
            <section aria-labelledby="headers-title">
              <h2 id="headers-title">Headers</h2>
              <p class="note">Signature and credential headers are never stored or shown.</p>
              <div class="table-scroll" role="region" aria-label="Request headers" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Header</th>
                      <th scope="col">Value</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(event.headers).map(([name, value]) => (
                      <tr key={name}>
                        <td class="id">{name}</td>
                        <td class="wrap">{value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}

          <section aria-labelledby="replays-title">
            <h2 id="replays-title">Replays</h2>
            {d.replays.length === 0 ? <p>None.</p> : <EventsTable events={d.replays} caption="Replays of this event" />}
          </section>
        </>
      )}
      <ConfirmDialog
        request={confirm}
        onClose={(message) => {
          setConfirm(undefined);
          if (message) {
            setOutcome(message);
            const replay = /^Replay started: (.+)$/.exec(message);
            if (replay) navigate(eventPath(replay[1]));
          }
        }}
      />
    </section>
  );
}

function Timeline({ event, details }: { event: EventDetail; details: EventDetails }) {
  const entries: { at: string; what: string }[] = [{ at: event.receivedAt, what: 'Received' }];
  if (event.replayedAt) entries.push({ at: event.replayedAt, what: `Replay made (of ${event.replayOf})` });
  entries.push({ at: event.createdAt, what: 'Recorded' });
  if (details.temporal) entries.push({ at: details.temporal.startTime, what: `Run started (${details.temporal.runId.slice(0, 8)}…)` });
  for (const [name, action] of Object.entries(event.actions)) {
    // Each attempt that did not succeed, between the run's start and the action's outcome. One
    // with no record of its own ended before the next one started.
    const history = action.attemptHistory ?? [];
    history.forEach((attempt, i) => {
      if (attempt.status === 'succeeded' || (attempt.attempt === action.attempts && action.finishedAt && attempt.status === 'unrecorded')) return;
      const at = attempt.finishedAt ?? history[i + 1]?.startedAt ?? action.finishedAt;
      if (at) entries.push({ at, what: `${name}: attempt ${attempt.attempt} ${attempt.status === 'unrecorded' ? 'ended unrecorded (timed out or its worker stopped)' : attempt.status}${attempt.error ? ` (${attempt.error})` : ''}` });
    });
    if (action.finishedAt) entries.push({ at: action.finishedAt, what: `${name}: ${action.status} after ${action.attempts} attempt${action.attempts === 1 ? '' : 's'}${action.error ? ` (${action.error})` : ''}` });
  }
  for (const pending of details.temporal?.pendingActions ?? []) {
    entries.push({ at: pending.nextAttemptAt ?? new Date().toISOString(), what: `${pending.action}: attempt ${pending.attempt} ${pending.state.toLowerCase()}${pending.lastFailure ? `, last failure: ${pending.lastFailure}` : ''}` });
  }
  if (event.intervention) entries.push({ at: event.intervention.at, what: `Operator ${event.intervention.action}${event.intervention.reason ? `: ${event.intervention.reason}` : ''}` });
  if (event.completedAt) entries.push({ at: event.completedAt, what: `Ended ${event.status}` });
  if (details.temporal?.failure) entries.push({ at: details.temporal.closeTime ?? event.updatedAt, what: `Temporal: ${details.temporal.failure}` });
  entries.sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">
        {entries.map((entry, i) => (
          <li key={i}>
            <time dateTime={entry.at}>{formatTime(entry.at)}</time> {entry.what}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Actions({ event, details }: { event: EventDetail; details: EventDetails }) {
  const pending = new Map((details.temporal?.pendingActions ?? []).map((p) => [p.action, p]));
  const names = Object.keys(event.actions);
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      {names.length === 0 && <p>No action ran{event.refusedBy?.length ? `: ${event.refusedBy.map((r) => `${r.route} (${r.reason})`).join('; ')}` : '.'}</p>}
      {names.map((name) => {
        const action = event.actions[name];
        const now = pending.get(name);
        return (
          <article key={name} class="action" aria-labelledby={`action-${name}`}>
            <h3 id={`action-${name}`}>
              {name} <StatusBadge status={action.status} />
            </h3>
            <dl class="facts">
              <div>
                <dt>Attempts</dt>
                <dd>{now ? `${now.attempt} (Temporal: ${now.state.toLowerCase()})` : action.attempts}</dd>
              </div>
              {action.finishedAt && (
                <div>
                  <dt>Finished</dt>
                  <dd>{formatTime(action.finishedAt)}</dd>
                </div>
              )}
              {(action.error || now?.lastFailure) && (
                <div>
                  <dt>Error</dt>
                  <dd class="error-text">{now?.lastFailure ?? action.error}</dd>
                </div>
              )}
              {now?.nextAttemptAt && (
                <div>
                  <dt>Next attempt</dt>
                  <dd>{formatTime(now.nextAttemptAt)}</dd>
                </div>
              )}
            </dl>
            {(action.attemptHistory ?? []).some((attempt) => attempt.status !== 'succeeded') && (
              <ol class="attempts" aria-label={`Attempts of ${name}`}>
                {(action.attemptHistory ?? []).map((attempt) => (
                  <li key={attempt.attempt}>
                    {attempt.finishedAt && <time dateTime={attempt.finishedAt}>{formatTime(attempt.finishedAt)}</time>} Attempt {attempt.attempt}: {attempt.status}
                    {attempt.error && <span class="error-text"> {attempt.error}</span>}
                  </li>
                ))}
              </ol>
            )}
            {action.result !== undefined && (
              <div class="json" aria-label={`Result of ${name}`}>
                <JsonTree value={action.result} label="result" />
              </div>
            )}
          </article>
        );
      })}
    </section>
  );
}
