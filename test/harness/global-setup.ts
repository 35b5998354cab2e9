import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/stack/free-port';
import { makeStackDir } from '../../src/stack/paths';
import { startMongoServer } from '../../src/stack/mongo-server';
import { startTogether } from '../../src/stack/start-together';
import { startTemporalServer } from '../../src/stack/temporal-server';
import { bundleWorkflows } from '../../src/worker/bundle-workflows';
import { TEST_ENV, type TestStackHandle } from './test-env';

/**
 * Once per `npm test`: provision and start a real Temporal dev server and a real
 * MongoDB-protocol server (the same routes `npm start` uses), and bundle the workflows once.
 * Suites isolate themselves with their own task queue and database.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const dir = makeStackDir(os.tmpdir(), 'hookflow-test-');
  const log = (line: string) => process.stderr.write(`[test stack] ${line}\n`);
  const [temporalPort, mongoPort] = [await freePort(), await freePort()];
  const [temporal, mongo] = await startTogether([
    startTemporalServer({
      port: temporalPort,
      dbFile: path.join(dir, 'temporal.sqlite'),
      logFile: path.join(dir, 'temporal.log'),
      log,
    }),
    startMongoServer({ port: mongoPort, dataDir: path.join(dir, 'mongo'), logFile: path.join(dir, 'mongo.log'), log }),
  ]);
  // The same bundling (workflows and interceptor modules) as `npm run build`'s.
  const bundle = await bundleWorkflows({ trace() {}, debug() {}, info() {}, warn: log, error: log, log() {} } as never);
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle);

  process.env[TEST_ENV.temporalAddress] = temporal.address;
  process.env[TEST_ENV.mongoUri] = mongo.uri;
  process.env[TEST_ENV.bundlePath] = bundlePath;
  process.env[TEST_ENV.dir] = dir;
  const handle: TestStackHandle = { temporal, mongo, dir };
  (globalThis as Record<string, unknown>).__hookflowTestStack = handle;
  log(`Temporal ${temporal.address} (${temporal.via}), MongoDB ${mongo.uri} (${mongo.via}), ready in ${Date.now() - started} ms; logs in ${dir}`);
}
