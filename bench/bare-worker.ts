/**
 * The (d) baseline's worker, run as its own process like a hookflow worker: the bare
 * one-activity workflow and a no-op activity, with the worker options hookflow ships
 * (src/worker/create-worker.ts), and nothing else: no MongoDB, no metrics, no handlers.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createBareActivities } from './bare-activities';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.BENCH_TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    namespace: process.env.BENCH_NAMESPACE!,
    taskQueue: process.env.BENCH_TASK_QUEUE!,
    workflowBundle: { codePath: process.env.BENCH_WORKFLOW_BUNDLE! },
    activities: createBareActivities(),
    maxConcurrentActivityTaskExecutions: 200,
    shutdownGraceTime: '30 seconds',
  });
  console.log(JSON.stringify({ msg: 'bare worker polling', pid: process.pid }));
  await worker.run(); // returns after SIGTERM, once running tasks are done
  await connection.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
