/**
 * Records a run's history as a replay fixture (test/fixtures/histories/README.md), with its
 * workflow ID, which the replay needs: the code may read it (a permit's token holds it).
 *
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 npx tsx test/harness/record-history.ts <workflowId> <file.json> [runId]
 *
 * Without a run ID, the latest run (a run that continued as new is an earlier one).
 */
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { env } from '../../src/config/env';

async function recordHistory(workflowId: string, file: string, runId?: string): Promise<number> {
  const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') ?? '127.0.0.1:7233' });
  try {
    const client = new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') ?? 'default' });
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    writeFileSync(file, `${JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }, null, 2)}\n`);
    return history.events?.length ?? 0;
  } finally {
    await connection.close();
  }
}

const [workflowId, file, runId] = process.argv.slice(2);
if (!workflowId || !file) {
  console.error('usage: npx tsx test/harness/record-history.ts <workflowId> <file.json> [runId]');
  process.exit(2);
}
recordHistory(workflowId, file, runId).then(
  (events) => console.log(`${file}: ${events} events of ${workflowId}`),
  (error: unknown) => {
    console.error(`cannot record ${workflowId}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
