import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { env } from '../config/env';
import { defaultConfigPath, loadConfig } from '../config/load-config';
import { freePort, isPortOpen } from '../stack/free-port';
import { startMongoServer, waitForMongo, type ServerProcess } from '../stack/mongo-server';
import { RECEIVER_NODE_FLAGS } from '../receiver/receiver-node-flags';
import { dataDir, PROJECT_ROOT, RUNNING_SOURCES } from '../stack/paths';
import { readLogTail } from '../stack/read-log-tail';
import { killRunningServices, startService, type ServiceProcess } from '../stack/service-process';
import { writeStackState } from '../stack/supervise/stack-state-file';
import { stopSignals } from '../stack/supervise/stop-signals';
import { superviseProcess, type GaveUp, type Launched, type SuperviseOptions, type SupervisedProcess } from '../stack/supervise/supervise-process';
import { resolveTemporalCli } from '../stack/temporal-cli';
import { startTemporalServer, waitForTemporal, type RunningServer } from '../stack/temporal-server';
import { waitUntil } from '../stack/wait-until';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';

interface Stoppable {
  readonly name: string;
  stop(): Promise<void>;
}

const say = (line: string) => console.log(`[hookflow] ${line}`);

/** How the banner's hints run the CLI: the checkout's npm script, or an installed package's bin. */
const HOOKFLOW_COMMAND = RUNNING_SOURCES ? 'npm run hookflow --' : 'npx hookflow';

/** How people read a MongoDB-protocol server's process names. */
const SERVER_NAMES: Record<ServerProcess['name'], string> = { mongod: 'mongod', ferretdb: 'FerretDB', postgres: 'PostgreSQL' };

/**
 * `hookflow start`: the whole stack in the foreground. Temporal and MongoDB are used from
 * TEMPORAL_ADDRESS / MONGODB_URI when set, and otherwise provisioned and started here with
 * their data under the data directory. Ctrl-C, SIGTERM or SIGHUP stops every process this command
 * started; a second one kills what is left at once instead of waiting.
 *
 * Every process it starts is supervised (issue #17): one that exits is started again on its
 * port and data after a backoff while the others keep running, and one that fails at once again
 * and again stops the stack with its last lines and the fix. Restarts are counted in a file the
 * receiver serves as `hookflow_stack_restarts_total`.
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

  const stateFile = path.join(data, 'stack-state.json');
  const supervised: SupervisedProcess[] = [];
  let giveUp!: (gaveUp: GaveUp) => void;
  const failed = new Promise<GaveUp>((resolve) => (giveUp = resolve));
  const writeState = () =>
    writeStackState(stateFile, {
      restarts: Object.fromEntries(supervised.map((p) => [p.id, p.restarts])),
      down: supervised.filter((p) => p.state !== 'up' && p.state !== 'stopped').map((p) => p.id),
    });
  const supervise = (options: Omit<SuperviseOptions, 'log' | 'onRestart' | 'onBack' | 'onGiveUp'>) => {
    const supervisedProcess = superviseProcess({
      ...options,
      log: say,
      onChange: writeState,
      onBack: () => say(`processes: ${processList(supervised)}`),
      onGiveUp: giveUp,
    });
    supervised.push(supervisedProcess);
    stack.push({ name: options.name, stop: () => supervisedProcess.stop() });
    writeState();
    return supervisedProcess;
  };

  const stopAll = async (why: string) => {
    if (stopping) return;
    stopping = true;
    for (const p of supervised) p.halt(); // nothing is restarted while the stack stops
    say(`${why}: stopping ${stack.map((s) => s.name).reverse().join(', ') || 'nothing'} ...`);
    for (const part of [...stack].reverse()) {
      await part.stop().catch((error) => say(`stopping ${part.name} failed: ${(error as Error).message}`));
    }
    say('stopped; nothing left running');
  };
  // A second signal while it stops: do not wait for the workers to drain, kill what is left now.
  // What was acknowledged is in Temporal already; a killed worker's attempts run again.
  const interrupted = stopSignals((why) => {
    say(`${why} again: killing ${killRunningServices().join(', ') || 'nothing'} without waiting`);
    process.exit(130);
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
      const temporalOptions = {
        port,
        uiPort,
        dbFile: path.join(data, 'temporal.sqlite'),
        namespace: config.temporal.namespace,
        retentionDays: config.temporal.retentionDays,
        sqliteSynchronous: config.temporal.sqliteSynchronous,
        logFile: path.join(logs, 'temporal.log'),
        log: say,
      };
      const temporal = await startTemporalServer(temporalOptions);
      if (temporal.exited) {
        supervise({
          name: 'Temporal',
          id: 'temporal',
          initial: serverRun(temporal),
          launch: async () => serverRun(await startTemporalServer(temporalOptions)),
          lastLines: () => readLogTail(temporalOptions.logFile),
          fix:
            `see ${temporalOptions.logFile}. A port taken: choose others with HOOKFLOW_TEMPORAL_PORT and HOOKFLOW_TEMPORAL_UI_PORT. ` +
            `A damaged database: move ${temporalOptions.dbFile} away (its workflows are lost). Or set TEMPORAL_ADDRESS to a server of your own`,
        });
      } else {
        stack.push({ name: 'Temporal', stop: temporal.stop }); // @temporalio/testing's server: not our child to watch
      }
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
      // First started first: stopping in reverse stops FerretDB before the PostgreSQL under it.
      for (const part of mongo.processes) {
        supervise({
          name: SERVER_NAMES[part.name],
          id: part.name,
          initial: serviceRun(part.service),
          launch: async () => serviceRun(await part.relaunch()),
          lastLines: () => readLogTail(part.logFile),
          fix:
            part.name === 'postgres'
              ? `see ${part.logFile}. If it names a lock file or shared memory still in use, make sure no other PostgreSQL runs on ` +
                `${path.join(data, 'postgres')}. Or set MONGODB_URI to a MongoDB of your own`
              : `see ${part.logFile}. A port taken: choose another with HOOKFLOW_MONGO_PORT. Or set MONGODB_URI to a MongoDB of your own`,
        });
      }
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
    const receiverUrl = `http://${reachable(config.server.host)}:${config.server.port}`;
    const workerUrls = workerPorts.map((port) => `http://${reachable(config.worker.host)}:${port}`);
    const hookflowProcess = (name: string, command: 'worker' | 'receiver', env: NodeJS.ProcessEnv, url: string) => async (): Promise<Launched> => {
      const flags = command === 'receiver' ? RECEIVER_NODE_FLAGS : [];
      const service = startService(name, process.execPath, [...flags, bin, command], { env, keepTail: true });
      return {
        pid: service.child.pid,
        exited: service.exited,
        ready: waitHealthy(`${name} at ${url}`, url, service),
        stop: () => service.stop(35_000),
        lastLines: () => service.tail().trimEnd().split('\n').slice(-15).join('\n'),
      };
    };
    // Stop the receiver first (it is supervised last) so nothing new is acknowledged while workers drain.
    const children = [
      ...workerPorts.map((port, i) =>
        supervise({
          name: `worker ${i + 1}`,
          id: `worker-${i + 1}`,
          launch: hookflowProcess(`worker ${i + 1}`, 'worker', { ...childEnv, HOOKFLOW_WORKER_PORT: String(port) }, workerUrls[i]),
          fix: `run \`npm run worker\` with the same HOOKFLOW_CONFIG to see the error; check the handlers module (${config.handlers}) and the config`,
        }),
      ),
      supervise({
        name: 'receiver',
        id: 'receiver',
        launch: hookflowProcess('receiver', 'receiver', { ...childEnv, HOOKFLOW_STACK_STATE_FILE: stateFile }, receiverUrl),
        fix: `make sure port ${config.server.port} is free (another one: server.port or HOOKFLOW_PORT); run \`npm run receiver\` with the same HOOKFLOW_CONFIG to see the error`,
      }),
    ];
    const gaveUpAtStart = await Promise.race([Promise.all(children.map((c) => c.firstReady)).then(() => undefined), failed, interrupted]);
    if (typeof gaveUpAtStart === 'string') {
      await stopAll(gaveUpAtStart);
      return 0;
    }
    if (gaveUpAtStart) {
      reportGaveUp(gaveUpAtStart);
      await stopAll(`${gaveUpAtStart.name} keeps failing`);
      return 1;
    }

    const firstSource = [...config.sources.keys()][0];
    // The CLI is in the tool cache, not on PATH: say where, and how to run it (issue #16).
    const cli = await resolveTemporalCli(say, { install: false });
    console.log(`
  hookflow is running (Ctrl-C stops everything)

  Receiver      ${receiverUrl}/webhooks/<source>   sources: ${[...config.sources.keys()].join(', ')}
                ${receiverUrl}/readyz   /healthz   /metrics
  Temporal      ${temporalAddress}   namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}
  Temporal UI   ${uiUrl}
  Temporal CLI  ${'path' in cli ? `${cli.path}   ${HOOKFLOW_COMMAND} temporal workflow list` : 'none found (TEMPORAL_CLI, PATH, tool cache)'}
  MongoDB       ${mongoUri}   database ${config.mongodb.database}
                ${mongoVia}
  Workers       ${workers}   /readyz /healthz /metrics on ${workerUrls.join(', ')}
  Processes     ${processList(supervised)}
                each started again if it exits (1 s doubling to 30 s), counted in hookflow_stack_restarts_total
  Admin API     ${
    config.admin.token
      ? `http://${reachable(config.admin.host)}:${config.admin.port}   ${HOOKFLOW_COMMAND} events list`
      : 'off (set HOOKFLOW_ADMIN_TOKEN to turn it on)'
  }
  Data          ${data}

  Send a signed sample event:
    ${HOOKFLOW_COMMAND} send ${firstSource ?? '<source>'}
`);
    const why = await Promise.race([interrupted, failed]);
    if (typeof why === 'string') {
      await stopAll(why);
      return 0;
    }
    reportGaveUp(why);
    await stopAll(`${why.name} keeps failing`);
    return 1;
  } catch (error) {
    await stopAll('start failed');
    throw error;
  }
}

/** A server that answered its readiness check before it was returned: ready already. */
function serverRun(server: RunningServer): Launched {
  return { pid: server.pid, exited: server.exited as Promise<number | string>, ready: Promise.resolve(), stop: server.stop };
}

function serviceRun(service: ServiceProcess): Launched {
  return { pid: service.child.pid, exited: service.exited, ready: Promise.resolve(), stop: () => service.stop() };
}

/** A receiver or worker is up once its /healthz answers. */
async function waitHealthy(what: string, url: string, service: ServiceProcess): Promise<void> {
  // Generous: on a loaded machine a worker takes tens of seconds to start, and one that never
  // answers counts as failing at once.
  await waitUntil(what, async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), { timeoutMs: 120_000, abort: service.exited });
}

/** `receiver pid 12 · worker 1 pid 13 (restarted 2×) · ...`: the banner's process list. */
function processList(processes: readonly SupervisedProcess[]): string {
  return [...processes]
    .reverse()
    .map((p) => `${p.name} ${p.pid ? `pid ${p.pid}` : p.state}${p.restarts > 0 ? ` (restarted ${p.restarts}×)` : ''}`)
    .join(' · ');
}

function reportGaveUp({ name, failures, lastExit, lastLines, fix }: GaveUp): void {
  const quoted = lastLines ? lastLines.split('\n').map((line) => `    | ${line}`).join('\n') : '    (no output)';
  console.error(
    `[hookflow] ${name} keeps failing: it failed at once ${failures} times in a row (last: ${lastExit}). Its last lines:\n` +
      `${quoted}\n[hookflow] fix: ${fix}`,
  );
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
