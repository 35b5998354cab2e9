import { WorkflowNotFoundError, type Client, type WorkflowExecutionStatusName } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** The latest run of an event's workflow, as Temporal sees it. */
export interface RunInfo {
  readonly status: WorkflowExecutionStatusName;
  readonly runId: string;
  readonly startTime: Date;
  readonly closeTime?: Date;
  readonly historyLength: number;
  /** Why a run that did not complete ended: the failure message, or the termination reason. */
  readonly failure?: string;
  /**
   * The actions Temporal is running or retrying now (their activity ID is the action's name).
   * An action's record in the document stays `pending` until its outcome: while it is retried,
   * its attempt and last failure are Temporal's.
   */
  readonly pendingActions: PendingAction[];
}

export interface PendingAction {
  readonly action: string;
  /** The attempt running now, or the next one while it waits for its retry. */
  readonly attempt: number;
  /** `scheduled`, `started` or `cancel_requested`, as Temporal says. */
  readonly state: string;
  readonly lastFailure?: string;
  readonly nextAttemptAt?: Date;
}

const ENDED_BADLY = new Set<WorkflowExecutionStatusName>(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

/** undefined when Temporal has no workflow of this ID (never started, or past retention). */
export async function describeRun(client: Client, workflowId: string): Promise<RunInfo | undefined> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const status = description.status.name;
  const failure = ENDED_BADLY.has(status) ? await closeReason(client, workflowId, description.runId) : undefined;
  return {
    status,
    runId: description.runId,
    startTime: description.startTime,
    ...(description.closeTime ? { closeTime: description.closeTime } : {}),
    historyLength: description.historyLength,
    ...(failure ? { failure } : {}),
    pendingActions: (description.raw.pendingActivities ?? []).map(pendingAction),
  };
}

function pendingAction(activity: temporal.api.workflow.v1.IPendingActivityInfo): PendingAction {
  const state = temporal.api.enums.v1.PendingActivityState[activity.state ?? 0] ?? 'UNSPECIFIED';
  const next = activity.nextAttemptScheduleTime?.seconds;
  return {
    action: activity.activityId ?? '',
    attempt: activity.attempt ?? 1,
    state: state.replace('PENDING_ACTIVITY_STATE_', '').toLowerCase(),
    ...(activity.lastFailure?.message ? { lastFailure: activity.lastFailure.message } : {}),
    ...(next ? { nextAttemptAt: new Date(Number(next) * 1000) } : {}),
  };
}

/** Reads only the close event of the run, however long its history is. */
async function closeReason(client: Client, workflowId: string, runId: string): Promise<string | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
  });
  const event = history?.events?.[0];
  if (!event) return undefined;
  if (event.workflowExecutionFailedEventAttributes) return event.workflowExecutionFailedEventAttributes.failure?.message ?? 'failed';
  if (event.workflowExecutionTerminatedEventAttributes) {
    return `terminated: ${event.workflowExecutionTerminatedEventAttributes.reason || '(no reason given)'}`;
  }
  if (event.workflowExecutionTimedOutEventAttributes) return 'timed out';
  if (event.workflowExecutionCanceledEventAttributes) return 'cancelled';
  return undefined;
}
