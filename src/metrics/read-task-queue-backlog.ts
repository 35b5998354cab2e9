import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface TaskQueueBacklog {
  readonly workflow: number;
  readonly activity: number;
}

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = temporal.api.enums.v1.TaskQueueType;

/**
 * Tasks waiting for a worker, as Temporal estimates them (it caches the stats for a few seconds).
 * A growing workflow backlog means too few workers; a growing activity backlog, too few slots or
 * slow handlers.
 */
export async function readTaskQueueBacklog(
  connection: ConnectionLike,
  namespace: string,
  taskQueue: string,
  timeoutMs: number,
): Promise<TaskQueueBacklog> {
  const count = (taskQueueType: temporal.api.enums.v1.TaskQueueType) =>
    connection
      .withDeadline(Date.now() + timeoutMs, () =>
        connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType, reportStats: true }),
      )
      // A protobuf Long (or absent when the queue has never been used).
      .then((response) => Number(response.stats?.approximateBacklogCount?.toString() ?? 0));
  const [workflow, activity] = await Promise.all([count(TASK_QUEUE_TYPE_WORKFLOW), count(TASK_QUEUE_TYPE_ACTIVITY)]);
  return { workflow, activity };
}
