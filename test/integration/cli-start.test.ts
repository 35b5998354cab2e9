import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isPortOpen } from '../../src/stack/free-port';
import { isExecutable, runCommand } from '../../src/stack/run-command';
import { waitUntil } from '../../src/stack/wait-until';
import { openStore, type Store } from '../../src/store/open-store';
import { DEMO_SOURCE } from '../harness/sign';
import { descendantsOf, isRunning } from '../harness/start-stack-process';
import { testEnv } from '../harness/test-env';

const ROOT = path.resolve(__dirname, '../..');
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed25519Keys = generateKeyPairSync('ed25519');
const p256Keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const random = () => randomBytes(18).toString('base64url');
/** One source per provider, named after it, with a random secret of the provider's format. */
const PROVIDER_SOURCES: Record<string, Record<string, unknown>> = {
  stripe: { provider: 'stripe', secrets: [`whsec_${random()}`] },
  github: { provider: 'github', secrets: [random()] },
  shopify: { provider: 'shopify', secrets: [random()] },
  slack: { provider: 'slack', secrets: [random()] },
  twilio: { provider: 'twilio', secrets: [random()] },
  'standard-webhooks': { provider: 'standard-webhooks', secrets: [`whsec_${randomBytes(24).toString('base64')}`] },
  paddle: { provider: 'paddle', secrets: [random()] },
  square: { provider: 'square', secrets: [random()] },
  zoom: { provider: 'zoom', secrets: [random()] },
  linear: { provider: 'linear', secrets: [random()] },
  sendgrid: { provider: 'sendgrid', secrets: [sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')] },
  mailgun: { provider: 'mailgun', secrets: [random()] },
  // Issue #12: generic schemes and presets.
  token: { provider: 'token', secrets: [random()], header: 'X-Token' },
  basic: { provider: 'basic', users: [`ada:${random()}`] },
  jwt: { provider: 'jwt', secrets: [random()], algorithms: ['HS256'], bodySha256Claim: 'sha256' },
  publickey: { provider: 'publickey', secrets: [ed25519Keys.publicKey.export({ type: 'spki', format: 'pem' })], algorithm: 'ed25519', signatureHeader: 'X-Signature' },
  meta: { provider: 'meta', secrets: [random()], verifyToken: random() },
  discord: { provider: 'discord', secrets: [ed25519Keys.publicKey.export({ type: 'spki', format: 'pem' })] },
  gitlab: { provider: 'gitlab', secrets: [`whsec_${randomBytes(24).toString('base64')}`] },
  telegram: { provider: 'telegram', secrets: [random()] },
  clerk: { provider: 'clerk', secrets: [`whsec_${randomBytes(24).toString('base64')}`] },
  resend: { provider: 'resend', secrets: [`whsec_${randomBytes(24).toString('base64')}`] },
  twitch: { provider: 'twitch', secrets: [random()] },
  asana: { provider: 'asana', secrets: [random()] },
  hubspot: { provider: 'hubspot', secrets: [random()] },
  adyen: { provider: 'adyen', secrets: [randomBytes(32).toString('hex').toUpperCase()] },
  'microsoft-graph': { provider: 'microsoft-graph', clientState: random() },
  dropbox: { provider: 'dropbox', secrets: [random()] },
  okta: { provider: 'okta', secrets: [`Bearer ${random()}`] },
  xero: { provider: 'xero', secrets: [random()] },
  woocommerce: { provider: 'woocommerce', secrets: [random()] },
  notion: { provider: 'notion', secrets: [`secret_${random()}`] },
  figma: { provider: 'figma', secrets: [random()] },
  postmark: { provider: 'postmark', users: [`hooks:${random()}`] },
  plaid: { provider: 'plaid', secrets: [p256Keys.publicKey.export({ type: 'spki', format: 'pem' })] },
  paypal: { provider: 'paypal', webhookId: `WH-${random()}`, certificates: [rsaKeys.publicKey.export({ type: 'spki', format: 'pem' })] },
};
/** Providers that answer an accepted event their own way, as the provider expects. */
const ANSWERS: Record<string, string> = {
  discord: '204 No Content ',
  'microsoft-graph': '202 Accepted ',
  xero: '200 OK ',
  adyen: '200 OK [accepted]',
};
/** Providers whose configured secret is a public key: `hookflow send` is given the private one. */
const PRIVATE_KEYS: Record<string, () => string> = {
  sendgrid: () => sendgridKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  discord: () => ed25519Keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  publickey: () => ed25519Keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  plaid: () => p256Keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  paypal: () => rsaKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
};
const BIN = path.join(ROOT, 'bin', 'hookflow.js');

/**
 * `hookflow start` and `hookflow send` as a user runs them, as processes. Temporal and MongoDB
 * come from TEMPORAL_ADDRESS / MONGODB_URI (the shared test servers), the route a user with their
 * own servers takes; the provisioning routes are exercised by the test harness itself.
 */
describe('hookflow start and hookflow send', () => {
  let start: ChildProcessWithoutNullStreams;
  let output = '';
  let store: Store;
  let port: number;
  const database = `cli_${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-cli-'));
  const configPath = path.join(dir, 'hookflow.config.json');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    port = await freePort();
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { port },
        temporal: { taskQueue: `cli-${database}` },
        mongodb: { database },
        handlers: path.join(ROOT, 'handlers'),
        sources: { demo: DEMO_SOURCE, ...PROVIDER_SOURCES },
        routes: [{ source: 'demo', actions: [{ handler: 'log' }] }],
      }),
    );
    env = {
      ...process.env,
      HOOKFLOW_CONFIG: configPath,
      HOOKFLOW_DATA_DIR: dir,
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      MONGODB_URI: testEnv('mongoUri'),
    };
    store = await openStore(testEnv('mongoUri'), database);
    start = spawn(process.execPath, [BIN, 'start', '--workers', '2'], { env, cwd: ROOT });
    start.stdout.on('data', (c: Buffer) => (output += c.toString()));
    start.stderr.on('data', (c: Buffer) => (output += c.toString()));
    await waitUntil('hookflow start', async () => (output.includes('hookflow is running') ? true : undefined), {
      timeoutMs: 90_000,
      abort: new Promise((resolve) => start.once('exit', resolve)),
    }).catch((error) => {
      throw new Error(`${(error as Error).message}\n${output}`);
    });
  }, 120_000);

  afterAll(async () => {
    if (start.exitCode === null) start.kill('SIGKILL');
    await store?.close();
  });

  test('the banner names the URLs, the MongoDB URI and a ready-to-run send command', () => {
    expect(output).toContain(`http://127.0.0.1:${port}/webhooks/<source>`);
    expect(output).toContain(`MongoDB       ${testEnv('mongoUri')}`);
    expect(output).toContain('Workers       2');
    expect(output).toContain('npm run hookflow -- send demo');
  });

  test('`hookflow send demo` signs a sample event that is accepted and ends succeeded', async () => {
    const sent = await runCommand(process.execPath, [BIN, 'send', 'demo', '--type', 'order.paid'], { env, cwd: ROOT, timeoutMs: 30_000 });
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('200 OK');
    const { workflowId } = JSON.parse(sent.stdout.split('\n')[1]) as { workflowId: string };
    await waitUntil('event succeeded', async () => (await store.events.findOne({ _id: workflowId, status: 'succeeded' })) ?? undefined, {
      timeoutMs: 30_000,
    });
    expect((await store.events.findOne({ _id: workflowId }))!.type).toBe('order.paid');
  });

  test('the banner names the temporal CLI; `hookflow temporal ...` runs it with the arguments as given (the README\'s query)', async () => {
    const banner = /Temporal CLI {2}(\S+) {3}npm run hookflow -- temporal workflow list/.exec(output);
    expect(banner).not.toBeNull();
    expect(isExecutable(banner![1])).toBe(true);

    const sent = await runCommand(process.execPath, [BIN, 'send', 'demo', '--type', 'order.listed'], { env, cwd: ROOT, timeoutMs: 30_000 });
    const { workflowId } = JSON.parse(sent.stdout.split('\n')[1]) as { workflowId: string };
    const query = `HookflowSource = "demo" AND HookflowEventType = "order.listed" AND WorkflowId = "${workflowId}"`;
    const listed = await waitUntil(
      'the workflow to be listed by its search attributes',
      async () => {
        const result = await runCommand(process.execPath, [BIN, 'temporal', 'workflow', 'list', '--query', query, '-o', 'json'], {
          env,
          cwd: ROOT,
          timeoutMs: 30_000,
        });
        expect(result.code).toBe(0);
        const rows = JSON.parse(result.stdout || '[]') as { execution: { workflowId: string } }[];
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(listed.map((row) => row.execution.workflowId)).toEqual([workflowId]);

    // The CLI's own exit code and message come through.
    const missing = await runCommand(process.execPath, [BIN, 'temporal', 'workflow', 'describe', '--workflow-id', 'demo:no-such-event'], {
      env,
      cwd: ROOT,
      timeoutMs: 30_000,
    });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/not found/i);
  });

  test('`hookflow send` works for every provider', async () => {
    const keyFile = (source: string) => {
      const file = path.join(dir, `${source}-private.pem`);
      writeFileSync(file, PRIVATE_KEYS[source]());
      return ['--key-file', file];
    };
    const send = async (source: string) => {
      const args = [BIN, 'send', source, ...(PRIVATE_KEYS[source] ? keyFile(source) : [])];
      const sent = await runCommand(process.execPath, args, { env, cwd: ROOT, timeoutMs: 60_000 });
      return `${source}: ${sent.stdout.split('\n').slice(0, 2).join(' ')}${sent.stderr}`;
    };
    // Eight processes at a time: each loads the CLI, and two cores cannot start them all at once.
    const outcomes: string[] = [];
    const queue = Object.keys(PROVIDER_SOURCES);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let source = queue.shift(); source !== undefined; source = queue.shift()) outcomes.push(await send(source));
      }),
    );
    for (const outcome of outcomes) {
      // Discord's Webhook Events are acknowledged with an empty 204, as Discord expects.
      const source = outcome.slice(0, outcome.indexOf(':'));
      if (ANSWERS[source] !== undefined) expect(outcome).toBe(`${source}: ${ANSWERS[source]}`);
      else expect(outcome).toMatch(/^[\w-]+: 200 OK \{"status":"accepted","workflowId":"[\w-]+:.+"\}$/);
    }
    // No route for these sources: recorded as ignored, each under its own ID.
    await waitUntil(
      'every provider event recorded',
      async () => ((await store.events.countDocuments({ status: 'ignored' })) === outcomes.length ? true : undefined),
      { timeoutMs: 30_000 },
    );
  }, 180_000);

  test('`hookflow send <source> --handshake` performs each provider handshake and gets the answer the provider expects', async () => {
    const ed = path.join(dir, 'discord-handshake.pem');
    writeFileSync(ed, PRIVATE_KEYS.discord());
    for (const [source, extra, expected] of [
      ['meta', [], /^200 OK\n\d+\nhandshake answered as the provider expects/],
      ['discord', ['--key-file', ed], /^200 OK\n\{"type":1\}\nhandshake answered as the provider expects/],
      ['twitch', [], /^200 OK\n[\w-]+\nhandshake answered as the provider expects/],
      ['slack', [], /^200 OK\n\{"challenge":"[^"]+"\}/],
      ['microsoft-graph', [], /^200 OK\nValidation: Testing client application reachability for subscription Request-Id: [\w-]+\nhandshake answered as the provider expects/],
      ['dropbox', [], /^200 OK\n[0-9a-f]{32}\nhandshake answered as the provider expects/],
      ['okta', [], /^200 OK\n\{"verification":"[\w-]+"\}\nhandshake answered as the provider expects/],
      ['woocommerce', [], /^200 OK\n\nhandshake answered as the provider expects/],
      ['notion', [], /^200 OK\n\nhandshake answered as the provider expects/],
      ['asana', [], /^200 OK\n\nhandshake answered as the provider expects/],
    ] as const) {
      const sent = await runCommand(process.execPath, [BIN, 'send', source, '--handshake', ...extra], { env, cwd: ROOT, timeoutMs: 60_000 });
      expect(`${sent.stdout}${sent.stderr}`).toMatch(expected);
      expect(sent.code).toBe(0);
    }
    const none = await runCommand(process.execPath, [BIN, 'send', 'github', '--handshake'], { env, cwd: ROOT, timeoutMs: 30_000 });
    expect([none.code, none.stderr.trim()]).toEqual([2, 'provider github has no endpoint handshake']);
  }, 120_000);

  test('`hookflow send` to an unknown source lists the sources and fails', async () => {
    const sent = await runCommand(process.execPath, [BIN, 'send', 'nope'], { env, cwd: ROOT, timeoutMs: 30_000 });
    expect(sent.code).toBe(2);
    expect(sent.stderr).toContain('sources: demo, stripe');
  });

  // The graceful stop on one signal is shown by embedded-stack (SIGINT, SIGHUP) and
  // stack-supervision (SIGTERM); this is the impatient operator, or npm forwarding the terminal's
  // SIGINT to a process that had it already.
  test('a second Ctrl-C while it stops kills every process it started at once, leaving none behind', async () => {
    const children = descendantsOf(start.pid!);
    expect(children.length).toBeGreaterThanOrEqual(3); // two workers and the receiver
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    start.kill('SIGINT');
    await waitUntil('the stop to begin', async () => (output.includes('Ctrl-C: stopping') ? true : undefined), { timeoutMs: 10_000, intervalMs: 20 });
    start.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(output).toMatch(/Ctrl-C again: killing .*worker \d.* without waiting/);
    await waitUntil('every child to be gone', async () => (children.some(isRunning) ? undefined : true), { timeoutMs: 10_000, intervalMs: 50 });
    expect(await isPortOpen(port)).toBe(false);
  }, 60_000);
});
