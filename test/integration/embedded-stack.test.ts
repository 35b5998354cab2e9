import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from '../../src/stack/free-port';
import { makeStackDir } from '../../src/stack/paths';
import { runCommand } from '../../src/stack/run-command';
import { waitUntil } from '../../src/stack/wait-until';
import { DEMO_SOURCE } from '../harness/sign';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'hookflow.js');

/** Every process whose command line names `dir`: the servers `hookflow start` ran on its data. */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline.slice(0, 160)}`);
    } catch {
      // gone already
    }
  }
  return found;
}

/**
 * The quick start's `npm start` as a user runs it on a fresh machine (issue #10): the stack
 * provisions its own Temporal and MongoDB-protocol servers, FerretDB over an embedded PostgreSQL,
 * with data in HOOKFLOW_DATA_DIR; Ctrl-C leaves nothing running; the state survives a restart.
 */
describe('hookflow start on its own servers', () => {
  jest.setTimeout(180_000);
  const dir = makeStackDir(os.tmpdir(), 'hookflow-embedded-');
  const configPath = path.join(dir, 'hookflow.config.json');
  let env: NodeJS.ProcessEnv;
  let mongoUri = '';

  beforeAll(async () => {
    const [receiverPort, temporalPort, uiPort, mongoPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { port: receiverPort },
        worker: { port: 0 },
        handlers: path.join(ROOT, 'handlers'),
        sources: { demo: DEMO_SOURCE },
        routes: [{ source: 'demo', actions: [{ handler: 'log' }] }],
      }),
    );
    mongoUri = `mongodb://127.0.0.1:${mongoPort}/`;
    // No TEMPORAL_ADDRESS or MONGODB_URI: the stack provisions its own, as on a fresh machine.
    const { TEMPORAL_ADDRESS, MONGODB_URI, ...rest } = process.env;
    env = {
      ...rest,
      HOOKFLOW_CONFIG: configPath,
      HOOKFLOW_DATA_DIR: dir,
      HOOKFLOW_TEMPORAL_PORT: String(temporalPort),
      HOOKFLOW_TEMPORAL_UI_PORT: String(uiPort),
      HOOKFLOW_MONGO_PORT: String(mongoPort),
    };
  });

  afterAll(() => {
    for (const line of processesUsing(dir)) process.kill(Number(line.split(':')[0]), 'SIGKILL');
  });

  async function start(): Promise<{ child: ChildProcessWithoutNullStreams; output: () => string }> {
    const child = spawn(process.execPath, [BIN, 'start'], { env, cwd: ROOT });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    await waitUntil('hookflow start', async () => (output.includes('hookflow is running') ? true : undefined), {
      timeoutMs: 120_000,
      abort: new Promise((resolve) => child.once('exit', resolve)),
    }).catch((error) => {
      throw new Error(`${(error as Error).message}\n${output}`);
    });
    return { child, output: () => output };
  }

  async function interrupt(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal); // to `hookflow start` alone, not its process group: it must stop its children itself
    return exited;
  }

  test('runs on FerretDB over PostgreSQL; Ctrl-C stops every server; a restart finds the event again; SIGHUP stops it too', async () => {
    const first = await start();
    expect(first.output()).toMatch(/MongoDB-protocol server on .*FerretDB .* over PostgreSQL .*postgres/);
    expect(first.output()).toContain(`data in ${path.join(dir, 'postgres')}`);

    const sent = await runCommand(process.execPath, [BIN, 'send', 'demo', '--type', 'order.paid'], { env, cwd: ROOT, timeoutMs: 30_000 });
    expect(sent.code).toBe(0);
    const { workflowId } = JSON.parse(sent.stdout.split('\n')[1]) as { workflowId: string };
    const client = new MongoClient(mongoUri);
    try {
      await waitUntil(
        'the event to succeed',
        async () => (await client.db('hookflow').collection('events').findOne({ _id: workflowId as never, status: 'succeeded' })) ?? undefined,
        { timeoutMs: 60_000 },
      );
    } finally {
      await client.close();
    }

    expect(await interrupt(first.child, 'SIGINT')).toBe(0);
    expect(first.output()).toContain('stopped; nothing left running');
    expect(processesUsing(dir)).toEqual([]);

    // Same data directory: Temporal's SQLite file and PostgreSQL's cluster are reused as they are.
    const second = await start();
    const again = new MongoClient(mongoUri);
    try {
      expect(await again.db('hookflow').collection('events').findOne({ _id: workflowId as never })).toMatchObject({ status: 'succeeded', type: 'order.paid' });
    } finally {
      await again.close();
    }
    const described = await runCommand(process.execPath, [BIN, 'temporal', 'workflow', 'describe', '--workflow-id', workflowId], {
      env,
      cwd: ROOT,
      timeoutMs: 30_000,
    });
    expect(described.stdout).toMatch(/Completed|COMPLETED/);
    // A closed terminal sends SIGHUP: the same stop as Ctrl-C.
    expect(await interrupt(second.child, 'SIGHUP')).toBe(0);
    expect(second.output()).toContain('SIGHUP (terminal closed): stopping');
    expect(processesUsing(dir)).toEqual([]);
  });
});
