import type { Client } from '@temporalio/client';

/** A task queue's workflows that completed, started at `since` or later. */
export function completedSince(taskQueue: string, since: number): string {
  return `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed" AND StartTime >= "${new Date(since).toISOString()}"`;
}

export interface ClosedWorkflows {
  /** Close time of the last one (ms since the epoch); 0 when none. */
  readonly lastCloseAt: number;
  /** Start to close, per workflow. */
  readonly latenciesMs: number[];
}

/**
 * Start and close times as Temporal recorded them: how the (d) baseline, which writes nothing
 * anywhere, is timed, and hookflow's workflows alike for comparison.
 */
export async function readClosedWorkflows(client: Client, query: string): Promise<ClosedWorkflows> {
  let lastCloseAt = 0;
  const latenciesMs: number[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: 1000 })) {
    if (!execution.closeTime) continue;
    lastCloseAt = Math.max(lastCloseAt, execution.closeTime.getTime());
    latenciesMs.push(execution.closeTime.getTime() - execution.startTime.getTime());
  }
  return { lastCloseAt, latenciesMs };
}
