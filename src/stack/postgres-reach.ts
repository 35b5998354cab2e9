import { createHash } from 'node:crypto';
import { chmodSync, constants, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PostgresBinaries } from './embedded-postgres-binaries';

/** The user PostgreSQL runs as, when we are root (it refuses to run as root). */
export interface ServerOwner {
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * The first directory on the way to `target` that `owner` may not pass (no search permission by
 * its mode bits, as that user or group or as other), or undefined if it may reach it. Supplementary
 * groups and ACLs are not read, so a directory an ACL opens is reported too: the safe side.
 */
export function firstBlockingDirectory(target: string, owner: ServerOwner): string | undefined {
  if (owner.uid === undefined) return undefined;
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part);
    let st;
    try {
      st = statSync(dir);
    } catch {
      return undefined; // not there yet: whoever creates it gives it the usual modes
    }
    const bit = st.uid === owner.uid ? constants.S_IXUSR : st.gid === owner.gid ? constants.S_IXGRP : constants.S_IXOTH;
    if ((st.mode & bit) === 0) return dir;
  }
  return undefined;
}

/** Where root keeps the clusters its server user could not reach in their data directory. */
export const RELOCATED_DATA_ROOT = '/var/lib/hookflow/postgres';

/**
 * Where the cluster of `dataDir` lives. As root the server runs as another user, who cannot
 * reach a data directory inside a private checkout (a root's 0700 home, a `mktemp -d`, where
 * `npm start` keeps `.hookflow/`): FerretDB would fall back to SQLite. Then the cluster lives in
 * `root`/<hash of dataDir> instead, a root-owned, world-traversable place that survives reboots
 * (unlike the OS temp dir), the same directory on every start for that data directory. A cluster
 * already in `dataDir` is never moved: it is used where it is, or refused naming the directory.
 */
export function reachableDataDir(dataDir: string, owner: ServerOwner, root = RELOCATED_DATA_ROOT): string {
  if (owner.uid === undefined || existsSync(path.join(dataDir, 'PG_VERSION'))) return dataDir;
  if (firstBlockingDirectory(dataDir, owner) === undefined) return dataDir;
  mkdirSync(root, { recursive: true, mode: 0o755 });
  return path.join(root, createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16));
}

/**
 * As root, PostgreSQL runs as another user, who must be able to reach its binaries. They live
 * in node_modules, inside the checkout; a checkout in a private directory (a root's home is
 * 0700, and so is a `mktemp -d`) hides them from that user, and FerretDB would fall back to
 * SQLite. Then the package's `native` directory (about 60 MB) is copied once into a root-owned,
 * world-readable directory of the OS temp dir, named after the package's version, and run from
 * there. A directory of that name that is not our own (root's), not a real directory, or writable by
 * others is never used: a fresh one is made instead.
 */
export function reachableBinaries(binaries: PostgresBinaries, owner: ServerOwner): PostgresBinaries {
  if (firstBlockingDirectory(binaries.initdb, owner) === undefined) return binaries;
  const native = path.resolve(path.dirname(binaries.initdb), '..');
  const version = packageVersion(path.join(native, '..', 'package.json'));
  const wanted = path.join(os.tmpdir(), `hookflow-postgres-${version.replace(/[^\w.-]/g, '_')}`);
  const at = (dir: string): PostgresBinaries => ({
    postgres: path.join(dir, 'bin', path.basename(binaries.postgres)),
    initdb: path.join(dir, 'bin', path.basename(binaries.initdb)),
  });
  if (isOurCopy(wanted)) return at(wanted);
  const fresh = mkdtempSync(`${wanted}-`);
  cpSync(native, fresh, { recursive: true, verbatimSymlinks: true });
  // mkdtemp makes 0700; the server's user must pass it.
  chmodSync(fresh, 0o755);
  writeFileSync(path.join(fresh, COMPLETE), '');
  try {
    renameSync(fresh, wanted);
    return at(wanted);
  } catch {
    // Another start won the race (or a stranger's file holds the name): use what is ours.
    if (isOurCopy(wanted)) {
      rmSync(fresh, { recursive: true, force: true });
      return at(wanted);
    }
    return at(fresh);
  }
}

const COMPLETE = '.hookflow-complete';

function isOurCopy(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return false;
    lstatSync(path.join(dir, COMPLETE));
    return true;
  } catch {
    return false;
  }
}

/** The platform package's version names the copy, so an upgrade gets a copy of its own. */
function packageVersion(file: string): string {
  try {
    return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
