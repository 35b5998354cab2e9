import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/load-config';
import { initProviders } from '../../../src/init/dev-source';
import { InitError, initProject } from '../../../src/init/init-project';
import { SCAFFOLD_SCRIPTS } from '../../../src/init/scaffold-files';
import { verifyWebhook } from '../../../src/providers/verify-webhook';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const readJson = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, any>;

/** What `hookflow send` does with the source's first secret, checked the way the receiver checks it. */
function signedSampleVerifies(configPath: string, source: string): boolean {
  const config = loadConfig(configPath);
  const { provider, settings } = config.sources.get(source)!;
  const now = new Date();
  const sample = provider.sample(undefined, now);
  const url = `http://127.0.0.1:3000/webhooks/${source}`;
  const signed = provider.sign({ ...sample, url, secret: settings.secrets[0]!, now }, settings.options);
  const raw = readJson('hookflow.config.json').sources[source];
  const { provider: name, secrets, ...options } = raw;
  verifyWebhook({ provider: name, rawBody: signed.body, headers: { 'content-type': signed.contentType, ...signed.headers }, url: signed.url, secrets, options, now });
  return true;
}

describe('initProject', () => {
  test('initProject({provider: "stripe"}) writes a config that loads, with one stripe source routed to the typed handler', () => {
    const result = initProject({ dir: path.join(dir, 'app'), provider: 'stripe', hookflowRange: '^0.1.0' });
    dir = path.join(dir, 'app');
    expect(result.written.sort()).toEqual(['.gitignore', 'handlers.ts', 'hookflow.config.json', 'package.json', 'tsconfig.json']);
    const config = loadConfig(path.join(dir, 'hookflow.config.json'));
    expect([...config.sources.keys()]).toEqual(['stripe']);
    expect(config.sources.get('stripe')!.provider.name).toBe('stripe');
    expect(config.handlers).toBe(path.join(dir, 'handlers.ts'));
    expect(config.routes).toEqual([expect.objectContaining({ source: 'stripe', actions: [{ handler: 'processEvent' }] })]);
    const handlers = readFileSync(path.join(dir, 'handlers.ts'), 'utf8');
    expect(handlers).toContain("import { PermanentError, type Handlers } from 'hookflow';");
    expect(handlers).toMatch(/export const handlers: Handlers = \{\s[\s\S]*processEvent\(event, context\)/);
    expect(handlers).toContain('throw new PermanentError(');
    expect(signedSampleVerifies(path.join(dir, 'hookflow.config.json'), 'stripe')).toBe(true);
  });

  test('the generated secret is fresh each time, 32 random bytes, shaped like Stripe\'s (whsec_...)', () => {
    initProject({ dir: path.join(dir, 'a'), provider: 'stripe', hookflowRange: '^0.1.0' });
    initProject({ dir: path.join(dir, 'b'), provider: 'stripe', hookflowRange: '^0.1.0' });
    const secret = (sub: string) => (JSON.parse(readFileSync(path.join(dir, sub, 'hookflow.config.json'), 'utf8')) as any).sources.stripe.secrets[0] as string;
    expect(secret('a')).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(secret('b')).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(secret('a')).not.toBe(secret('b'));
  });

  test('a new package.json has the dev, worker and receiver scripts and depends on hookflow', () => {
    initProject({ dir: path.join(dir, 'My App'), provider: 'github', hookflowRange: '^1.2.3' });
    const pkg = JSON.parse(readFileSync(path.join(dir, 'My App', 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'my-app', private: true, scripts: { dev: 'hookflow start', worker: 'hookflow worker', receiver: 'hookflow receiver' }, dependencies: { hookflow: '^1.2.3' } });
  });

  test('an existing package.json (after `npm install hookflow.tgz`) keeps its fields, its scripts and its hookflow dependency', () => {
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'shop', dependencies: { hookflow: 'file:../hookflow-0.1.0.tgz', koa: '^3.0.0' }, scripts: { dev: 'my-own-dev' } }),
    );
    initProject({ dir, provider: 'stripe', hookflowRange: '^0.1.0' });
    expect(readJson('package.json')).toEqual({
      name: 'shop',
      dependencies: { hookflow: 'file:../hookflow-0.1.0.tgz', koa: '^3.0.0' },
      scripts: { ...SCAFFOLD_SCRIPTS, dev: 'my-own-dev' },
    });
  });

  test('initProject refuses to overwrite an existing file and writes nothing', () => {
    writeFileSync(path.join(dir, 'handlers.ts'), '// mine');
    expect(() => initProject({ dir, provider: 'stripe', hookflowRange: '^0.1.0' })).toThrow(new InitError(`${dir} already has handlers.ts: hookflow init writes no file that exists`));
    expect(readFileSync(path.join(dir, 'handlers.ts'), 'utf8')).toBe('// mine');
    expect(existsSync(path.join(dir, 'hookflow.config.json'))).toBe(false);
  });

  test('initProject refuses a provider it cannot make a secret for (a public key: discord), naming the ones it can', () => {
    expect(() => initProject({ dir, provider: 'discord', hookflowRange: '^0.1.0' })).toThrow(/provider "discord" .*choose one of: .*github.*stripe/);
    expect(() => initProject({ dir, provider: 'nope', hookflowRange: '^0.1.0' })).toThrow(InitError);
    expect(existsSync(path.join(dir, 'hookflow.config.json'))).toBe(false);
  });

  test('initProject refuses a source name that cannot be a URL segment', () => {
    expect(() => initProject({ dir, provider: 'stripe', sourceName: 'a/b', hookflowRange: '^0.1.0' })).toThrow(/source name "a\/b"/);
  });

  test.each(initProviders())('--provider %s: the scaffold loads and a sample signed as `hookflow send` signs it verifies', (provider) => {
    initProject({ dir, provider, hookflowRange: '^0.1.0' });
    expect(signedSampleVerifies(path.join(dir, 'hookflow.config.json'), provider)).toBe(true);
  });

  test('initProviders covers the common shared-secret providers', () => {
    expect(initProviders()).toEqual(expect.arrayContaining(['stripe', 'github', 'shopify', 'slack', 'standard-webhooks', 'hmac', 'twilio']));
  });
});
