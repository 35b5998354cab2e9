import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { resolveFerretdb } from './ferretdb';
import { toolCacheDir } from './paths';
import { ProvisioningError } from './provisioning-error';
import { findOnPath } from './run-command';
import { startService, type ServiceProcess } from './service-process';
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
}

export interface RunningMongo extends Omit<RunningServer, 'address'> {
  readonly uri: string;
}

/**
 * A MongoDB-protocol server on 127.0.0.1: `mongod` on PATH, else mongodb-memory-server's
 * download (internet), else FerretDB v1 on SQLite built with Go from the module proxy.
 */
export async function startMongoServer(options: MongoServerOptions): Promise<RunningMongo> {
  const uri = `mongodb://127.0.0.1:${options.port}/`;
  const attempts = ['MONGODB_URI: not set'];

  if (options.only !== 'ferretdb') {
    const mongod = findOnPath('mongod');
    if (mongod) {
      const service = startMongod(mongod, options);
      await waitForMongo(uri, service);
      return { uri, via: 'mongod on PATH', exited: service.exited, stop: () => service.stop() };
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
      const service = startMongod(binary, options);
      await waitForMongo(uri, service);
      return { uri, via: 'mongodb-memory-server download', exited: service.exited, stop: () => service.stop() };
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
  const sqliteDir = path.join(options.dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${sqliteDir}/`,
    `--listen-addr=127.0.0.1:${options.port}`,
    `--state-dir=${sqliteDir}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const service = startService('ferretdb', ferret.path, args, { logFile: options.logFile });
  await waitForMongo(uri, service).catch(async (error) => {
    await service.stop();
    throw new Error(`${(error as Error).message}; see ${options.logFile}`);
  });
  return { uri, via: `FerretDB (${ferret.via})`, exited: service.exited, stop: () => service.stop() };
}

function startMongod(binary: string, options: MongoServerOptions): ServiceProcess {
  const dbPath = path.join(options.dataDir, 'mongod');
  mkdirSync(dbPath, { recursive: true });
  const args = ['--dbpath', dbPath, '--port', String(options.port), '--bind_ip', '127.0.0.1'];
  return startService('mongod', binary, args, { logFile: options.logFile });
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
