import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MongoClient, type Db } from 'mongodb';
import { freePort } from '../../src/stack/free-port';
import { startMongoServer, type RunningMongo } from '../../src/stack/mongo-server';
import { makeStackDir } from '../../src/stack/paths';
import { startTemporalServer, type RunningServer } from '../../src/stack/temporal-server';
import { waitUntil } from '../../src/stack/wait-until';
import type { SentEvent } from './event-stream';
import { explainUnfinished } from './explain-unfinished';
import { keepLogs, startHookflowProcess, type HookflowProcess } from './hookflow-process';
import { DEMO_SOURCE } from './sign';
import { testEnv } from './test-env';

/** What a fault test prints and asserts on. */
export interface FaultFigures {
  readonly sent: number;
  /** Requests, redeliveries included. */
  readonly sends: number;
  readonly acknowledgedFirstTime: number;
  readonly acknowledged: number;
  /** Events whose document ended `succeeded`. */
  readonly completed: number;
  /** Acknowledged events without a succeeded document or without their side effect. */
  readonly lost: number;
  /** Extra documents, extra completed workflows and extra side effects. */
  readonly duplicates: number;
  /** Handler invocations that finished: above `sent` when an attempt was retried. */
  readonly handlerRuns: number;
}

/**
 * The servers and processes a fault test injects faults into: its own Temporal and
 * MongoDB-protocol servers (a test stops them), and a receiver and workers as processes (a test
 * kills them), as in production. Each test begins on a fresh database, so one test's documents
 * do not slow the next (FerretDB v1 scans a collection for most lookups).
 */
export class FaultRig {
  temporal!: RunningServer;
  mongo!: RunningMongo;
  receiver!: HookflowProcess;
  readonly workers: HookflowProcess[] = [];
  client!: Client;
  db!: Db;
  private receiverUrl = '';
  private database = '';
  private mongoClient!: MongoClient;
  private temporalPort = 0;
  private mongoPort = 0;
  private configPath = '';
  private readonly dir = makeStackDir(os.tmpdir(), 'hookflow-faults-');

  constructor(private readonly log: (line: string) => void) {}

  /** The receiver's URL at the time of the request: a restarted receiver listens on a new port. */
  readonly url = () => this.receiverUrl;

  async start(): Promise<void> {
    [this.temporalPort, this.mongoPort] = [await freePort(), await freePort()];
    await Promise.all([this.startTemporal(), this.startMongo()]);
    this.mongoClient = new MongoClient(this.mongo.uri, { serverSelectionTimeoutMS: 30_000 });
    this.client = new Client({ connection: Connection.lazy({ address: this.temporal.address }) });
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startTemporalServer({
      port: this.temporalPort,
      dbFile: path.join(this.dir, 'temporal.sqlite'),
      logFile: path.join(this.dir, 'temporal.log'),
      log: this.log,
    });
  }

  async startMongo(): Promise<void> {
    this.mongo = await startMongoServer({
      port: this.mongoPort,
      dataDir: path.join(this.dir, 'mongo'),
      logFile: path.join(this.dir, 'mongo.log'),
      log: this.log,
      only: 'ferretdb',
    });
  }

  /** The PostgreSQL under FerretDB, killed as a crash or the OOM killer would; FerretDB keeps running. */
  async killPostgres(): Promise<void> {
    const postgres = this.mongo.postgres;
    if (!postgres) throw new Error(`the MongoDB-protocol server here is ${this.mongo.via}: there is no PostgreSQL under it to kill`);
    postgres.service.child.kill('SIGKILL');
    await postgres.service.exited;
  }

  /** PostgreSQL again, on its data (crash recovery) and port, so FerretDB's pool reconnects. */
  async restartPostgres(): Promise<void> {
    await this.mongo.postgres!.restart();
  }

  /**
   * A fresh database and task queue, a receiver and two workers on them. With its own task queue
   * no workflow left over from an earlier test is run by this test's workers.
   */
  async begin(): Promise<void> {
    const name = `faults_${randomUUID().slice(0, 8)}`;
    this.database = name;
    this.db = this.mongoClient.db(name);
    this.configPath = path.join(this.dir, `${name}.config.json`);
    writeFileSync(
      this.configPath,
      JSON.stringify({
        server: { host: '127.0.0.1', port: 0, ackTimeoutMs: 5_000, retryAfterSeconds: 1 },
        temporal: { address: this.temporal.address, taskQueue: name },
        mongodb: { uri: this.mongo.uri, database: name },
        handlers: path.resolve(__dirname, '../fixtures/counting-handlers.ts'),
        sources: { demo: DEMO_SOURCE },
        routes: [
          {
            source: 'demo',
            actions: [{ handler: 'countOnce' }],
            // 5 s: on a loaded 2-core machine a shorter one is missed by live attempts, which then run twice.
            retry: { heartbeatTimeoutMs: 5_000, initialIntervalMs: 200, maximumIntervalMs: 2_000 },
          },
        ],
      }),
    );
    await Promise.all([this.startReceiver(), this.startWorker(), this.startWorker()]);
  }

  /** Kill every hookflow process of the test. */
  async end(): Promise<void> {
    const processes = [this.receiver, ...this.workers.splice(0)].filter(Boolean);
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
  }

  async startReceiver(): Promise<void> {
    this.receiver = keepLogs(this.dir, startHookflowProcess('receiver', this.configPath, this.processEnv()));
    this.receiverUrl = ((await this.receiver.waitForLog('receiver listening')) as { url: string }).url;
  }

  async startWorker(): Promise<HookflowProcess> {
    const worker = keepLogs(this.dir, startHookflowProcess('worker', this.configPath, this.processEnv()));
    this.workers.push(worker);
    await worker.waitForLog('worker polling');
    return worker;
  }

  async killWorker(worker: HookflowProcess): Promise<void> {
    worker.child.kill('SIGKILL');
    await worker.exited;
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  async close(): Promise<void> {
    await this.end();
    await this.client?.connection.close();
    await this.mongoClient?.close();
    await this.temporal?.stop();
    await this.mongo?.stop();
  }

  /**
   * Every acknowledged event must end succeeded with its effect; then count what was lost and
   * what was done twice, print the figures, and return them.
   */
  async account(name: string, events: SentEvent[]): Promise<FaultFigures> {
    this.log(`${name}: accounting for ${events.length} events`);
    const events$ = this.db.collection('events');
    const ids = events.map((e) => `demo:${e.id}`);
    const keys = ids.map((id) => `${id}/handler:countOnce`);
    let succeeded = 0;
    await waitUntil(
      `${name}: every acknowledged event to succeed`,
      async () => {
        succeeded = await events$.countDocuments({ _id: { $in: ids } as never, status: 'succeeded' });
        return succeeded === events.length ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    ).catch(() => undefined); // counted as lost below
    const effects = await this.db.collection('effects').countDocuments({ _id: { $in: keys } as never });
    const documents = await events$.countDocuments({ eventId: { $in: events.map((e) => e.id) } });
    const runs = await this.db.collection('invocations').countDocuments({ key: { $in: keys }, phase: 'finished' });
    const completions = new Map<string, number>();
    for await (const execution of this.client.workflow.list({ query: `ExecutionStatus = "Completed" AND HookflowSource = "demo"` })) {
      completions.set(execution.workflowId, (completions.get(execution.workflowId) ?? 0) + 1);
    }
    const acknowledged = events.filter((e) => e.status === 200).length;
    const figures: FaultFigures = {
      sent: events.length,
      sends: events.reduce((n, e) => n + e.sends, 0),
      acknowledgedFirstTime: events.filter((e) => e.sends === 1 && e.status === 200).length,
      acknowledged,
      completed: succeeded,
      lost: acknowledged - Math.min(succeeded, effects),
      duplicates:
        Math.max(0, documents - events.length) +
        ids.reduce((n, id) => n + Math.max(0, (completions.get(id) ?? 0) - 1), 0) +
        Math.max(0, effects - events.length),
      handlerRuns: runs,
    };
    process.stdout.write(`fault "${name}": ${JSON.stringify(figures)}\n`);
    if (succeeded < events.length) await this.explain(name, events);
    return figures;
  }

  /** For a failing run: what each unfinished event looks like in MongoDB and in Temporal. */
  private async explain(name: string, events: SentEvent[]): Promise<void> {
    const workflowIds = events.map((e) => `demo:${e.id}`);
    this.log(`${name}: ${await explainUnfinished({ events: this.db.collection('events'), client: this.client, workflowIds })}`);
    this.log(`${name}: process logs in ${this.dir}`);
  }

  private processEnv(): Record<string, string> {
    return {
      MONGODB_URI: this.mongo.uri,
      MONGODB_DATABASE: this.database,
      HOOKFLOW_WORKFLOW_BUNDLE: testEnv('bundlePath'),
      HOOKFLOW_LOG_LEVEL: 'info',
    };
  }
}
