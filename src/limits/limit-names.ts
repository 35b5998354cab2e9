/**
 * Names of what a limited destination gets in Temporal (issue #13). Both derive from the
 * workflow's own task queue, so deployments (and test suites) sharing a namespace each have their
 * own. Imported by workflow code: pure functions only.
 */

/**
 * The destination's own task queue, `<taskQueue>-dest-<name>` (`hookflow-dest-crm`): every
 * worker polls it, and its rate limit is enforced by Temporal's matching service for all of them.
 */
export function destinationTaskQueue(taskQueue: string, destination: string): string {
  return `${taskQueue}-dest-${destination}`;
}

/**
 * The destination's permits workflow. `/` cannot appear in a source name, so no event's
 * workflow ID (`<source>:<eventId>`) can take it.
 */
export function permitsWorkflowId(taskQueue: string, destination: string): string {
  return `permits/${taskQueue}/${destination}`;
}
