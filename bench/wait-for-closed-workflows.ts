import type { Client } from '@temporalio/client';
import { completedSince, readClosedWorkflows, type ClosedWorkflows } from './read-closed-workflows';

/**
 * Count a task queue's completed workflows until `expected` are listed, then read their times
 * once. Visibility lists a close a moment after it happened; the figures come from the times
 * Temporal recorded, not from when a poll noticed, so polls can be sparse (each one queries a
 * server under test, on the same cores). A batch gets a minute plus half a second per event,
 * several times what the slowest scenario needs on two cores: past that something is stuck,
 * and what completed by then is reported, marked, instead of failing the run.
 */
export async function waitForClosedWorkflows(
  client: Client,
  taskQueue: string,
  since: number,
  expected: number,
): Promise<ClosedWorkflows & { readonly timedOut: boolean }> {
  const query = completedSince(taskQueue, since);
  const deadline = Date.now() + 60_000 + expected * 500;
  let timedOut = false;
  while ((await client.workflow.count(query)).count < expected) {
    if (Date.now() >= deadline) {
      timedOut = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { ...(await readClosedWorkflows(client, query)), timedOut };
}
