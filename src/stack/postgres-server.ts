import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { PostgresBinaries } from './embedded-postgres-binaries';
import { installFerretdbIdIndex } from './ferretdb-id-index';
import { firstBlockingDirectory, reachableBinaries, reachableDataDir, type ServerOwner } from './postgres-reach';
import { runCommand } from './run-command';
import { startService, type ServiceProcess } from './service-process';
import { startFailure } from './start-failure';
import { waitUntil } from './wait-until';

export interface PostgresOptions {
  readonly binaries: PostgresBinaries;
  readonly port: number;
  /** The cluster's data directory; created by initdb on first start, reused after. */
  readonly dataDir: string;
  readonly logFile: string;
  /** Where a data directory the server's user cannot reach is kept instead (reachableDataDir). */
  readonly relocatedRoot?: string;
}

export interface RunningPostgres {
  /** A connection URL for the `ferretdb` database, trust-authenticated on 127.0.0.1 only. */
  readonly url: string;
  /** The server process now (a restart replaces it). */
  readonly service: ServiceProcess;
  /** Where its cluster is: the data directory asked for, or where it was kept instead. */
  readonly dataDir: string;
  stop(): Promise<void>;
  /** Stop it if it still runs, and start it again on the same data and port (after a crash, say). */
  restart(): Promise<void>;
}

/** The database FerretDB keeps its collections in (one PostgreSQL schema per MongoDB database). */
const DATABASE = 'ferretdb';
const USER = 'postgres';

/**
 * A PostgreSQL server of our own on 127.0.0.1, for FerretDB to store into. Trust authentication
 * is safe only because it listens on loopback alone and no Unix socket is opened.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user if the
 * machine has one, else as `nobody`; the data directory is given to that user, and every
 * directory above it must let that user through. A new cluster that user could not reach goes
 * to RELOCATED_DATA_ROOT instead (see reachableDataDir); an existing one is refused, naming the
 * directory in its way.
 */
export async function startPostgres({ binaries: installed, port, dataDir: asked, logFile, relocatedRoot }: PostgresOptions): Promise<RunningPostgres> {
  const owner = serverUser();
  const binaries = reachableBinaries(installed, owner);
  const dataDir = reachableDataDir(asked, owner, relocatedRoot);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initCluster(binaries, dataDir, owner);
  else assertReachable(dataDir, owner); // an existing cluster out of reach: say where, not "exited (2)"
  const base = `postgres://${USER}@127.0.0.1:${port}`;
  const launch = async (): Promise<ServiceProcess> => {
    const service = startService(
      'postgres',
      binaries.postgres,
      [
        '-D', dataDir,
        '-p', String(port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        // FerretDB pools its connections; receivers, workers and tools each hold a few.
        '-c', 'max_connections=200',
      ],
      // SIGINT is PostgreSQL's fast shutdown: SIGTERM (smart) would wait for FerretDB's pool to leave.
      { logFile, ...owner, stopSignal: 'SIGINT', port },
    );
    try {
      await waitUntil(`PostgreSQL on 127.0.0.1:${port}`, () => ensureDatabase(base), { timeoutMs: 60_000, intervalMs: 250, abort: service.exited });
      // Before FerretDB connects: lookups by `_id` served by an index, not a scan (see there).
      await installFerretdbIdIndex(`${base}/${DATABASE}`);
    } catch (error) {
      await service.stop();
      throw startFailure(error, logFile);
    }
    return service;
  };
  let current = await launch();
  return {
    url: `${base}/${DATABASE}`,
    dataDir,
    get service() {
      return current;
    },
    stop: () => current.stop(),
    async restart() {
      await current.stop();
      current = await launch();
    },
  };
}

/** Ready means it answers a query; FerretDB's database is created on the first start. */
async function ensureDatabase(base: string): Promise<true> {
  const client = new Client({ connectionString: `${base}/postgres`, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

type Owner = ServerOwner;

/** Throws, naming the directory in the way, when the server's user cannot reach `dataDir`. */
function assertReachable(dataDir: string, owner: Owner): void {
  const blocked = firstBlockingDirectory(dataDir, owner);
  if (!blocked) return;
  throw new Error(
    `PostgreSQL runs as uid ${owner.uid} (it refuses root), and ${blocked} does not let that user through to ${dataDir}: ` +
      'set HOOKFLOW_DATA_DIR to a directory it can reach, or run hookflow as another user',
  );
}

async function initCluster(binaries: PostgresBinaries, dataDir: string, owner: Owner): Promise<void> {
  // The parents with the usual modes (a recursive mkdir would give them all 0700, which the
  // server's user could not pass), the cluster's own directory private to that user.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  assertReachable(dataDir, owner);
  mkdirSync(dataDir, { mode: 0o700 });
  if (owner.uid !== undefined) chownSync(dataDir, owner.uid, owner.gid ?? owner.uid);
  const init = await runCommand(
    binaries.initdb,
    ['-D', dataDir, '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions'],
    { timeoutMs: 120_000, ...owner },
  );
  if (init.code !== 0) {
    const reason = (init.stderr || init.stdout).trim().split('\n').slice(-3).join(' ');
    const hint = owner.uid !== undefined ? ` (it runs as uid ${owner.uid}: every directory above ${dataDir} must let that user through)` : '';
    throw new Error(`initdb ${dataDir} failed${hint}: ${reason.slice(0, 400)}`);
  }
}

/** Who the server runs as: ourselves, unless we are root. */
function serverUser(): Owner {
  if (os.userInfo().uid !== 0) return {};
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  const entry = passwd.find((f) => f[0] === 'postgres') ?? passwd.find((f) => f[0] === 'nobody');
  if (!entry) throw new Error('running as root, and the machine has neither a `postgres` nor a `nobody` user to run PostgreSQL as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}
