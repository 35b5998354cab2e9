import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provideChromium } from '../../../src/stack/chromium';

describe('provideChromium', () => {
  const saved = { CHROMIUM_PATH: process.env.CHROMIUM_PATH, PATH: process.env.PATH };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-chromium-'));

  test('CHROMIUM_PATH first, then chromium on PATH', async () => {
    const own = path.join(dir, 'my-chrome');
    writeFileSync(own, '#!/bin/sh\n');
    chmodSync(own, 0o755);
    process.env.CHROMIUM_PATH = own;
    expect(await provideChromium(() => {}, { install: false })).toEqual({ path: own, via: 'CHROMIUM_PATH' });

    delete process.env.CHROMIUM_PATH;
    const bin = mkdtempSync(path.join(os.tmpdir(), 'hookflow-path-'));
    const onPath = path.join(bin, 'chromium');
    writeFileSync(onPath, '#!/bin/sh\n');
    chmodSync(onPath, 0o755);
    process.env.PATH = bin;
    expect(await provideChromium(() => {}, { install: false })).toEqual({ path: onPath, via: 'PATH' });
  });

  test('with no route left, the error names each one tried and the fix', async () => {
    process.env.CHROMIUM_PATH = path.join(dir, 'missing');
    process.env.PATH = dir;
    await expect(provideChromium(() => {}, { install: false })).rejects.toThrow(
      /could not provide Chromium for the browser tests\. Tried:\n {2}- CHROMIUM_PATH=.*missing: not an executable file\n {2}- chromium or chromium-browser on PATH: not found\n {2}- apt-get install: not tried \(install disabled\)\nFix: install it \(`apt-get install chromium`/,
    );
  });
});
