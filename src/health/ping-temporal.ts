import type { ConnectionLike } from '@temporalio/client';

/**
 * The cheapest call the frontend answers for anyone (no namespace, no auth scope): it proves the
 * service is up and reachable over this very connection, which is the one the process uses.
 */
export function pingTemporal(connection: ConnectionLike, timeoutMs: number): Promise<unknown> {
  return connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}
