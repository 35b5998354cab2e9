import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { env } from '../config/env';
import { defaultConfigPath, loadConfig } from '../config/load-config';
import { freePort, isPortOpen } from '../stack/free-port';
import { startMongoServer, waitForMongo } from '../stack/mongo-server';
import { dataDir, PROJECT_ROOT } from '../stack/paths';
import { startService, type ServiceProcess } from '../stack/service-process';
import { resolveTemporalCli } from '../stack/temporal-cli';
import { startTemporalServer, waitForTemporal } from '../stack/temporal-server';
import { waitUntil } from '../stack/wait-until';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';

interface Stoppable {
  readonly name: string;
  stop(): Promise<void>;
}

const say = (line: string) => console.log(`[hookflow] ${line}`);

/**
 * `hookflow start`: the whole stack in the foreground. Temporal and MongoDB are used from
 * TEMPORAL_ADDRESS / MONGODB_URI when set, and otherwise provisioned and started here with
 * their data under the data directory. Ctrl-C stops every process this command started.
 */
export async function startStack(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { workers: { type: 'string', default: '1' } } });
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 32) throw new Error('--workers takes a whole number from 1 to 32');

  const configPath = defaultConfigPath();
  const config = loadConfig(configPath); // fail fast on a bad config, before starting anything
  const data = dataDir();
  const logs = path.join(data, 'logs');
  const stack: Stoppable[] = [];
  let stopping = false;

  const stopAll = async (why: string) => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping ${stack.map((s) => s.name).reverse().join(', ') || 'nothing'} ...`);
    for (const part of [...stack].reverse()) {
      await part.stop().catch((error) => say(`stopping ${part.name} failed: ${(error as Error).message}`));
    }
    say('stopped; nothing left running');
  };
  const interrupted = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('Ctrl-C'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  try {
    // Temporal
    let temporalAddress = env('TEMPORAL_ADDRESS');
    let uiUrl = config.temporal.uiUrl;
    if (temporalAddress) {
      say(`using Temporal at ${temporalAddress} (TEMPORAL_ADDRESS)`);
      await waitForTemporal(temporalAddress, undefined, config.temporal.namespace);
    } else {
      const port = numberEnv('HOOKFLOW_TEMPORAL_PORT', 7233);
      const uiPort = numberEnv('HOOKFLOW_TEMPORAL_UI_PORT', 8233);
      await assertPortsFree({ [port]: 'HOOKFLOW_TEMPORAL_PORT', [uiPort]: 'HOOKFLOW_TEMPORAL_UI_PORT' });
      const temporal = await startTemporalServer({
        port,
        uiPort,
        dbFile: path.join(data, 'temporal.sqlite'),
        namespace: config.temporal.namespace,
        retentionDays: config.temporal.retentionDays,
        logFile: path.join(logs, 'temporal.log'),
        log: say,
      });
      stack.push({ name: 'Temporal', stop: temporal.stop });
      temporalAddress = temporal.address;
      uiUrl = env('TEMPORAL_UI_URL') ?? `http://127.0.0.1:${uiPort}`;
      say(`Temporal dev server on ${temporalAddress} (${temporal.via}), data in ${path.join(data, 'temporal.sqlite')}`);
    }
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const added = await ensureSearchAttributes(connection, config.temporal.namespace);
      if (added.length > 0) say(`registered search attributes ${added.join(', ')}`);
    } finally {
      await connection.close();
    }

    // MongoDB
    let mongoUri = env('MONGODB_URI');
    let mongoVia = 'MONGODB_URI';
    if (mongoUri) {
      say('using MongoDB from MONGODB_URI');
      await waitForMongo(mongoUri);
    } else {
      const port = numberEnv('HOOKFLOW_MONGO_PORT', 27017);
      await assertPortsFree({ [port]: 'HOOKFLOW_MONGO_PORT' });
      const mongo = await startMongoServer({
        port,
        dataDir: path.join(data, 'mongodb'),
        logFile: path.join(logs, 'mongodb.log'),
        postgresDir: path.join(data, 'postgres'),
        postgresLogFile: path.join(logs, 'postgres.log'),
        log: say,
      });
      stack.push({ name: mongo.postgres ? 'MongoDB (FerretDB, PostgreSQL)' : 'MongoDB', stop: mongo.stop });
      mongoUri = mongo.uri;
      mongoVia = mongo.via;
      say(`MongoDB-protocol server on ${mongoUri}: ${mongo.via}`);
    }

    // Receiver and workers, each its own process as in production. Worker i serves /healthz,
    // /readyz and /metrics on worker.port + i - 1 (or, with port 0, on a free port of its own).
    const workerPorts: number[] = [];
    for (let i = 0; i < workers; i++) workerPorts.push(config.worker.port === 0 ? await freePort() : config.worker.port + i);
    if (workerPorts.some((port) => port > 65535)) throw new Error(`worker.port ${config.worker.port} leaves no room for ${workers} workers`);
    await assertPortsFree({
      [config.server.port]: 'HOOKFLOW_PORT',
      ...Object.fromEntries(workerPorts.map((port) => [port, 'HOOKFLOW_WORKER_PORT'])),
    });
    const childEnv = {
      ...process.env,
      HOOKFLOW_CONFIG: configPath,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_UI_URL: uiUrl,
      MONGODB_URI: mongoUri,
    };
    const bin = path.join(PROJECT_ROOT, 'bin', 'hookflow.js');
    const children: ServiceProcess[] = [];
    workerPorts.forEach((port, i) => {
      const env = { ...childEnv, HOOKFLOW_WORKER_PORT: String(port) };
      children.push(startService(`worker ${i + 1}`, process.execPath, [bin, 'worker'], { env }));
    });
    children.push(startService('receiver', process.execPath, [bin, 'receiver'], { env: childEnv }));
    // Stop the receiver first so nothing new is acknowledged while workers drain.
    stack.push(...children.map((child) => ({ name: child.name, stop: () => child.stop(35_000) })));
    const receiverUrl = `http://${reachable(config.server.host)}:${config.server.port}`;
    const workerUrls = workerPorts.map((port) => `http://${reachable(config.worker.host)}:${port}`);
    const childDied = Promise.race(children.map((c) => c.exited.then((code) => `${c.name} exited (${code})`)));
    const alive = (what: string, url: string) =>
      waitUntil(what, async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), { timeoutMs: 60_000, abort: childDied });
    await Promise.race([
      Promise.all([alive(`receiver at ${receiverUrl}`, receiverUrl), ...workerUrls.map((url, i) => alive(`worker ${i + 1} at ${url}`, url))]),
      childDied.then((why) => Promise.reject(new Error(why))),
    ]);

    const firstSource = [...config.sources.keys()][0];
    // The CLI is in the tool cache, not on PATH: say where, and how to run it (issue #16).
    const cli = await resolveTemporalCli(say, { install: false });
    console.log(`
  hookflow is running (Ctrl-C stops everything)

  Receiver      ${receiverUrl}/webhooks/<source>   sources: ${[...config.sources.keys()].join(', ')}
                ${receiverUrl}/readyz   /healthz   /metrics
  Temporal      ${temporalAddress}   namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}
  Temporal UI   ${uiUrl}
  Temporal CLI  ${'path' in cli ? `${cli.path}   npm run hookflow -- temporal workflow list` : 'none found (TEMPORAL_CLI, PATH, tool cache)'}
  MongoDB       ${mongoUri}   database ${config.mongodb.database}
                ${mongoVia}
  Workers       ${workers}   /readyz /healthz /metrics on ${workerUrls.join(', ')}
  Admin API     ${
    config.admin.token
      ? `http://${reachable(config.admin.host)}:${config.admin.port}   npm run hookflow -- events list`
      : 'off (set HOOKFLOW_ADMIN_TOKEN to turn it on)'
  }
  Data          ${data}

  Send a signed sample event:
    npm run hookflow -- send ${firstSource ?? '<source>'}
`);
    const why = await Promise.race([interrupted, childDied]);
    await stopAll(why);
    return why.includes('exited') ? 1 : 0;
  } catch (error) {
    await stopAll('start failed');
    throw error;
  }
}

/** Where this machine reaches a server listening on `host` (a wildcard address is reached locally). */
function reachable(host: string): string {
  if (['0.0.0.0', '::'].includes(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function numberEnv(name: 'HOOKFLOW_TEMPORAL_PORT' | 'HOOKFLOW_TEMPORAL_UI_PORT' | 'HOOKFLOW_MONGO_PORT', fallback: number): number {
  const value = env(name);
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${value} is not a port number`);
  return port;
}

async function assertPortsFree(ports: Record<number, string>): Promise<void> {
  for (const [port, variable] of Object.entries(ports)) {
    if (await isPortOpen(Number(port))) {
      throw new Error(`port ${port} is already in use (is another hookflow running?); choose another with ${variable}`);
    }
  }
}
