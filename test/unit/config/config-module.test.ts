import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/config/config-error';
import { loadConfig } from '../../../src/config/load-config';
import { defineConfig } from '../../../src/index';

const INDEX = path.resolve(__dirname, '../../../src/index');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-config-module-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a config module (HOOKFLOW_CONFIG=hookflow.config.ts)', () => {
  test('loadConfig("hookflow.config.ts") validates its default export, written with defineConfig', () => {
    const file = path.join(dir, 'hookflow.config.ts');
    writeFileSync(
      file,
      `import { defineConfig } from ${JSON.stringify(INDEX)};
export default defineConfig({
  server: { port: 4100 },
  sources: { shop: { provider: 'shopify', secrets: ['a-development-secret'] } },
  routes: [{ source: 'shop', events: ['orders/*'], actions: [{ handler: 'fulfil' }] }],
});`,
    );
    const config = loadConfig(file);
    expect(config.server.port).toBe(4100);
    expect(config.sources.get('shop')!.provider.name).toBe('shopify');
    expect(config.handlers).toBe(path.join(dir, 'handlers')); // relative to the module, as for JSON
  });

  test('loadConfig("hookflow.config.js") takes module.exports, and names a bad field as for JSON', () => {
    const file = path.join(dir, 'hookflow.config.js');
    writeFileSync(file, `module.exports = { sources: { s: { provider: 'stripe', secrets: ['x'] } }, routes: [], server: { port: 'eighty' } };`);
    expect(() => loadConfig(file)).toThrow(ConfigError);
    expect(() => loadConfig(file)).toThrow(/server\.port/);
  });

  test('a config module that throws is a ConfigError naming the file', () => {
    const file = path.join(dir, 'hookflow.config.cjs');
    writeFileSync(file, `throw new Error('boom');`);
    expect(() => loadConfig(file)).toThrow(new ConfigError(`cannot load config module ${file}: boom`));
  });
});

describe('defineConfig', () => {
  test('defineConfig(config) returns its argument; the compiler refuses a mistyped field', () => {
    const config = { sources: { s: { provider: 'stripe', secrets: ['x'] } }, routes: [] };
    expect(defineConfig(config)).toBe(config);
    // @ts-expect-error server.port is a number
    expect(() => loadConfigOf(defineConfig({ server: { port: 'eighty' }, sources: {}, routes: [] }))).toThrow(/server\.port/);
  });
});

function loadConfigOf(config: unknown) {
  const file = path.join(dir, 'hookflow.config.json');
  writeFileSync(file, JSON.stringify(config));
  return loadConfig(file);
}
