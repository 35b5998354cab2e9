import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Collection } from 'mongodb';

const EventType = temporal.api.enums.v1.EventType;
const PendingActivityState = temporal.api.enums.v1.PendingActivityState;

export interface ExplainOptions {
  readonly events: Collection<any>;
  readonly client: Client;
  readonly workflowIds: readonly string[];
  /** How many of the last history events to show per workflow. */
  readonly historyTail?: number;
  /** At most this many events are explained (the first ones not succeeded). */
  readonly limit?: number;
}

/**
 * For a wait that timed out: what each event that is not `succeeded` looks like in MongoDB and in
 * Temporal, so the failure names its own cause (issue #18). Per event: the document's status,
 * run, actions and last error; the workflow's status, its pending activities (attempt, state,
 * last failure, last heartbeat) and the tail of its history.
 */
export async function explainUnfinished({ events, client, workflowIds, historyTail = 12, limit = 5 }: ExplainOptions): Promise<string> {
  const docs = await events.find({ _id: { $in: [...workflowIds] } }).toArray();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const unfinished = workflowIds.filter((id) => byId.get(id)?.status !== 'succeeded');
  const lines = [`${unfinished.length} of ${workflowIds.length} events not succeeded`];
  for (const id of unfinished.slice(0, limit)) {
    const doc = byId.get(id);
    lines.push(
      `- ${id}: document ${doc ? `status=${doc.status} runId=${doc.runId} attempts=${doc.attempts} lastError=${JSON.stringify(doc.lastError)} ` +
        `updatedAt=${doc.updatedAt?.toISOString?.()} actions=${JSON.stringify(doc.actions)}` : 'missing'}`,
    );
    try {
      const handle = client.workflow.getHandle(id);
      const description = await handle.describe();
      lines.push(`  workflow ${description.runId}: ${description.status.name}, started ${description.startTime.toISOString()}`);
      for (const activity of description.raw.pendingActivities ?? []) {
        lines.push(
          `  pending ${activity.activityType?.name} attempt=${activity.attempt} state=${PendingActivityState[activity.state ?? 0]} ` +
            `lastFailure=${JSON.stringify(activity.lastFailure?.message ?? null)} lastHeartbeat=${timestamp(activity.lastHeartbeatTime)} ` +
            `lastWorker=${activity.lastWorkerIdentity ?? ''}`,
        );
      }
      const history = (await handle.fetchHistory()).events ?? [];
      for (const event of history.slice(-historyTail)) {
        lines.push(`  #${event.eventId} ${EventType[event.eventType ?? 0]} ${timestamp(event.eventTime)} ${briefAttributes(event)}`);
      }
    } catch (error) {
      lines.push(`  workflow: ${(error as Error).message}`);
    }
  }
  return lines.join('\n');
}

function timestamp(value: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  if (!value?.seconds) return '-';
  return new Date(Number(value.seconds) * 1000 + Math.floor((value.nanos ?? 0) / 1e6)).toISOString();
}

/** The few attributes that tell what a history event was about. */
function briefAttributes(event: temporal.api.history.v1.IHistoryEvent): string {
  const a =
    event.activityTaskScheduledEventAttributes ??
    event.activityTaskStartedEventAttributes ??
    event.activityTaskFailedEventAttributes ??
    event.activityTaskTimedOutEventAttributes ??
    event.workflowTaskFailedEventAttributes ??
    event.workflowTaskTimedOutEventAttributes ??
    event.workflowTaskStartedEventAttributes ??
    event.markerRecordedEventAttributes;
  if (!a) return '';
  const picked: Record<string, unknown> = {};
  for (const key of ['activityType', 'attempt', 'identity', 'timeoutType', 'cause', 'markerName', 'retryState']) {
    const value = (a as Record<string, unknown>)[key];
    if (value !== undefined && value !== null && value !== '') picked[key] = (value as { name?: string }).name ?? value;
  }
  const failure = (a as { failure?: { message?: string } }).failure;
  if (failure?.message) picked.failure = failure.message.slice(0, 200);
  return JSON.stringify(picked);
}
