import type { Connection } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';

const DAY_MS = 86_400_000;

/** The embedded stack's and docker-compose's retention unless `temporal.retentionDays` says otherwise. */
export const DEFAULT_RETENTION_DAYS = 7;

/**
 * Set how long Temporal keeps a closed workflow (the namespace's retention), and return the
 * days it had before. Within it, Temporal itself refuses a second start of a completed workflow
 * ID; beyond it, the event's record in MongoDB does (src/receiver/check-recorded.ts). The dev
 * server creates its namespace with 24 hours and `start-dev` has no flag for it, hence this call.
 */
export async function setNamespaceRetention(connection: Connection, namespace: string, days: number): Promise<number | undefined> {
  const { config } = await connection.workflowService.describeNamespace({ namespace });
  const ttl = config?.workflowExecutionRetentionTtl;
  const before = ttl ? tsToMs(ttl) / DAY_MS : undefined;
  if (before === days) return before;
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(days * DAY_MS) },
  });
  return before;
}
