import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import Stripe from 'stripe';
import { freePort, isPortOpen } from '../../src/stack/free-port';
import { makeStackDir, toolCacheDir } from '../../src/stack/paths';
import { waitUntil } from '../../src/stack/wait-until';

/**
 * Issue #15's "done when", as a new user does it: `npm pack` hookflow, install the tarball into
 * an empty directory, `npx hookflow init --provider stripe`, `npm run dev`, `npx hookflow send
 * stripe`, and the event is processed by the scaffold's TypeScript handler. Offline except the
 * npm registry (the warm cache serves it: --prefer-offline); the embedded stack reuses this
 * repository's tool cache (temporal CLI, FerretDB), so nothing is built again.
 */

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const work = makeStackDir(os.tmpdir(), 'hookflow-packed-');
const project = path.join(work, 'app');
let tarball: string;
let dev: ChildProcess | undefined;
let devOutput = '';

/**
 * The environment of a user's shell: nothing this test run set for its own stack, and nothing
 * `npm test` says about this repository's package to its script. npm's own settings
 * (npm_config_cache, the registry) stay: the installs below need the same warm cache.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = /^(HOOKFLOW_|TEMPORAL_|MONGODB_|OTEL_|npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/;
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !inherited.test(key)));
  return { ...env, ...extra };
}

const npm = (args: string[], cwd: string, env = userEnv(), timeout = 240_000) => run('npm', args, { cwd, env, timeout, maxBuffer: 32 * 1024 * 1024 });

beforeAll(async () => {
  // Pack from a copy of the sources (with this checkout's node_modules), so `prepare` builds a
  // dist/ of its own: the checkout's dist/ (the console's bundle) is never removed under other suites.
  const source = path.join(work, 'hookflow');
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src', 'workflows', 'activities']) {
    cpSync(path.join(ROOT, entry), path.join(source, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  // `prepare` (npm run build) prints to the same stdout as --json would: find the tarball instead.
  await npm(['pack', '--pack-destination', work], source);
  tarball = path.join(work, readdirSync(work).find((file) => /^hookflow-.*\.tgz$/.test(file))!);
  rmSync(source, { recursive: true, force: true });
  // PostgreSQL runs as another user when we are root, and must reach the project's .hookflow/.
  mkdirSync(project);
  chmodSync(project, 0o755);
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
}, 420_000);

afterAll(async () => {
  if (dev && dev.exitCode === null && dev.signalCode === null) {
    process.kill(-dev.pid!, 'SIGINT');
    await new Promise((resolve) => dev!.once('exit', resolve));
  }
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('the packed package', () => {
  test('ships the compiled package only: dist/ with declarations and the prebuilt workflow bundle, no sources, no tsx', () => {
    const installed = path.join(project, 'node_modules', 'hookflow');
    expect(existsSync(path.join(installed, 'dist', 'src', 'index.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist', 'src', 'index.d.ts'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist', 'workflow-bundle.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'src'))).toBe(false);
    expect(existsSync(path.join(installed, 'test'))).toBe(false);
    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.tsx).toBeUndefined();
  });

  test("require('hookflow') and import from 'hookflow' give the public API; verifyWebhook accepts a Stripe SDK signature", async () => {
    const secret = `whsec_${randomBytes(24).toString('hex')}`;
    const id = `evt_${randomBytes(8).toString('hex')}`;
    const body = JSON.stringify({ id, object: 'event', type: 'charge.refunded', created: Math.floor(Date.now() / 1000) });
    const signature = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload: body, secret });
    const input = JSON.stringify({ provider: 'stripe', rawBody: body, headers: { 'stripe-signature': signature }, secrets: [secret] });
    const cjs = `
      const { verifyWebhook, PermanentError, defineConfig, SignatureError } = require('hookflow');
      const input = JSON.parse(process.argv[1]);
      const verified = verifyWebhook(input);
      let refused;
      try { verifyWebhook({ ...input, secrets: ['whsec_other'] }); } catch (error) { refused = error instanceof SignatureError && error.status; }
      const config = defineConfig({ sources: { s: { provider: 'stripe', secrets: ['x'] } }, routes: [] });
      console.log(JSON.stringify({ id: verified.id, type: verified.type, refused, permanent: new PermanentError('no') instanceof Error, config: config.sources.s.provider }));`;
    const esm = `
      import { verifyWebhook, PermanentError } from 'hookflow';
      const verified = verifyWebhook(JSON.parse(process.argv[1]));
      console.log(JSON.stringify({ id: verified.id, permanent: new PermanentError('no').name }));`;
    const fromCjs = await run(process.execPath, ['-e', cjs, input], { cwd: project, env: userEnv() });
    expect(JSON.parse(fromCjs.stdout)).toEqual({ id, type: 'charge.refunded', refused: 401, permanent: true, config: 'stripe' });
    const fromEsm = await run(process.execPath, ['--input-type=module', '-e', esm, input], { cwd: project, env: userEnv() });
    expect(JSON.parse(fromEsm.stdout)).toEqual({ id, permanent: 'PermanentError' });
  });

  test('npx hookflow init --provider stripe, npm run dev, npx hookflow send stripe: the TypeScript handler processes the event', async () => {
    const init = await run('npx', ['--no', 'hookflow', 'init', '--provider', 'stripe'], { cwd: project, env: userEnv() });
    expect(init.stdout).toContain('npx hookflow send stripe');
    const config = JSON.parse(readFileSync(path.join(project, 'hookflow.config.json'), 'utf8')) as { sources: { stripe: { secrets: string[] } } };
    expect(config.sources.stripe.secrets[0]).toMatch(/^whsec_[0-9a-f]{64}$/);
    // The scaffold's handlers type-check against the installed declarations (tsc is optional for users).
    await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, timeout: 120_000 });

    const [temporalPort, uiPort, mongoPort, receiverPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const ports = {
      HOOKFLOW_TEMPORAL_PORT: String(temporalPort),
      HOOKFLOW_TEMPORAL_UI_PORT: String(uiPort),
      HOOKFLOW_MONGO_PORT: String(mongoPort),
      HOOKFLOW_PORT: String(receiverPort),
      HOOKFLOW_WORKER_PORT: '0',
    };
    dev = spawn('npm', ['run', 'dev'], {
      cwd: project,
      env: userEnv({ ...ports, HOOKFLOW_TOOL_CACHE: toolCacheDir() }),
      detached: true, // its own process group: afterAll stops npm, hookflow start and all it started
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | string>((resolve) => dev!.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    dev.stdout!.on('data', (chunk: Buffer) => (devOutput += chunk.toString('utf8')));
    dev.stderr!.on('data', (chunk: Buffer) => (devOutput += chunk.toString('utf8')));
    await waitUntil('hookflow start in the scaffold', async () => (devOutput.includes('hookflow is running') ? true : undefined), {
      timeoutMs: 180_000,
      abort: exited,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${devOutput.slice(-4000)}`);
    });
    // Its data lives in the project, and no tool was built again.
    expect(devOutput).toContain(`Data          ${path.join(project, '.hookflow')}`);
    expect(devOutput).not.toMatch(/building FerretDB|installing the temporal CLI/);

    const send = await run('npx', ['--no', 'hookflow', 'send', 'stripe'], { cwd: project, env: userEnv(ports) });
    expect(send.stdout).toMatch(/^200 OK/);
    const workflowId = (JSON.parse(send.stdout.split('\n')[1]!) as { status: string; workflowId: string }).workflowId;
    expect(JSON.parse(send.stdout.split('\n')[1]!)).toEqual({ status: 'accepted', workflowId: expect.stringMatching(/^stripe:evt_/) });

    const mongo = await MongoClient.connect(`mongodb://127.0.0.1:${mongoPort}`);
    try {
      const events = mongo.db('hookflow').collection<{ _id: string; status: string; actions?: Record<string, { status: string }> }>('events');
      const done = await waitUntil('the event recorded as processed', async () => {
        const doc = await events.findOne({ _id: workflowId });
        return doc && doc.status !== 'processing' ? doc : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      expect(done.status).toBe('succeeded');
      expect(done.actions).toEqual({ 'handler:processEvent': expect.objectContaining({ status: 'succeeded' }) });
    } finally {
      await mongo.close();
    }
    // The handler's own line, from handlers.ts compiled by the installed hookflow (no tsx here).
    expect(devOutput).toContain(`{"msg":"processed event","workflowId":"${workflowId}","type":"payment_intent.succeeded","attempt":1}`);
    expect(existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
    // The worker ran the prebuilt bundle: the SDK logs this line only when it bundles at start.
    expect(devOutput).not.toContain('Workflow bundle created');

    // Ctrl-C, as a user stops it: the whole group gets SIGINT (npm itself ends by the signal).
    process.kill(-dev.pid!, 'SIGINT');
    await exited;
    expect(devOutput).toContain('stopped; nothing left running');
    for (const port of [temporalPort, mongoPort, receiverPort]) expect(await isPortOpen(port)).toBe(false);
  }, 360_000);
});
