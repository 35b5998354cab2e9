import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { freePort } from '../src/stack/free-port';
import { startMongoServer, waitForMongo } from '../src/stack/mongo-server';
import { startTogether } from '../src/stack/start-together';
import { startTemporalServer, waitForTemporal } from '../src/stack/temporal-server';

export interface BenchStack {
  readonly temporal: { readonly address: string; readonly via: string };
  readonly mongo: { readonly uri: string; readonly via: string };
  /** The servers' processes, for the CPU meter (absent for servers given in the options). */
  readonly pids: { readonly ferretdb?: number; readonly postgres?: number };
  /** hookflow's workflows, so no worker process spends seconds of CPU bundling them. */
  readonly hookflowBundle: string;
  /** bench/workflows: the bare one-activity workflow of the (d) baseline. */
  readonly bareBundle: string;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** The namespace the bench config names; the embedded server is started with it. */
  readonly namespace: string;
  /** Use this Temporal instead of starting one (TEMPORAL_ADDRESS, as for `npm start`). */
  readonly temporalAddress?: string;
  /** Use this MongoDB instead of starting one (MONGODB_URI, as for `npm start`). */
  readonly mongoUri?: string;
}

/**
 * The same provisioning as the tests (test/harness/global-setup.ts): a Temporal dev server and a
 * MongoDB-protocol server on free ports, with their data in `dir`, and both workflow bundles
 * built once, before anything is measured. A server given in the options is used instead, and
 * left running.
 */
export async function startBenchStack(dir: string, log: (line: string) => void, options: BenchStackOptions): Promise<BenchStack> {
  const { namespace, temporalAddress, mongoUri } = options;
  const [temporalPort, mongoPort] = [await freePort(), await freePort()];
  const [temporal, mongo] = await startTogether([
    temporalAddress
      ? waitForTemporal(temporalAddress, undefined, namespace).then(() => ({ address: temporalAddress, via: 'TEMPORAL_ADDRESS', stop: async () => {} }))
      : startTemporalServer({ port: temporalPort, namespace, dbFile: path.join(dir, 'temporal.sqlite'), logFile: path.join(dir, 'temporal.log'), log }),
    mongoUri
      ? waitForMongo(mongoUri).then(() => ({ uri: mongoUri, via: 'MONGODB_URI', stop: async () => {} }))
      : startMongoServer({ port: mongoPort, dataDir: path.join(dir, 'mongo'), logFile: path.join(dir, 'mongo.log'), log }),
  ]);
  const stop = async () => {
    await Promise.all([temporal.stop(), mongo.stop()]);
  };
  try {
    const bundle = async (workflowsPath: string, file: string) => {
      const { code } = await bundleWorkflowCode({
        workflowsPath,
        logger: { trace() {}, debug() {}, info() {}, warn: log, error: log, log() {} } as never,
      });
      writeFileSync(file, code);
      return file;
    };
    const hookflowBundle = await bundle(require.resolve('../workflows'), path.join(dir, 'hookflow-workflows.js'));
    const bareBundle = await bundle(require.resolve('./workflows'), path.join(dir, 'bare-workflows.js'));
    const pids = {
      ferretdb: 'ferretdb' in mongo ? mongo.ferretdb?.child.pid : undefined,
      postgres: 'postgres' in mongo ? mongo.postgres?.service.child.pid : undefined,
    };
    return { temporal, mongo, pids, hookflowBundle, bareBundle, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
