import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toolCacheDir } from './paths';
import { findOnPath, isExecutable, runCommand } from './run-command';
import type { Found, NotFound } from './temporal-cli';

/** FerretDB v1 (Apache-2.0) speaks the MongoDB wire protocol over SQLite; v2 needs PostgreSQL. */
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.0';

export function cachedFerretdb(): string {
  return path.join(toolCacheDir(), `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/**
 * Build FerretDB once from the Go module proxy into the tool cache.
 * `go install pkg@version` is refused by the proxy's deprecation lookup on some networks, and a
 * build outside FerretDB's own module panics at start without build/version/version.txt, so we
 * build inside a copy of the downloaded module with that file written.
 */
export async function resolveFerretdb(log: (line: string) => void): Promise<Found | NotFound> {
  const cached = cachedFerretdb();
  if (isExecutable(cached)) return { path: cached, via: 'tool cache' };
  const go = findOnPath('go');
  if (!go) return { attempts: [`build FerretDB ${FERRETDB_VERSION} with Go: no \`go\` on PATH`] };

  log(`building FerretDB ${FERRETDB_VERSION} from the Go module proxy into ${toolCacheDir()} (once, about a minute) ...`);
  const goEnv = { ...process.env, GOFLAGS: '-buildvcs=false -mod=mod', CGO_ENABLED: '0' };
  const download = await runCommand(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    env: goEnv,
    cwd: toolCacheDirEnsured(),
    timeoutMs: 600_000,
  });
  let moduleDir: string | undefined;
  try {
    moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  } catch {
    moduleDir = undefined;
  }
  if (download.code !== 0 || !moduleDir) {
    return { attempts: [`go mod download ${FERRETDB_MODULE}@${FERRETDB_VERSION}: failed (${lastLine(download.stderr || download.stdout)})`] };
  }

  const work = path.join(toolCacheDir(), `ferretdb-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  try {
    cpSync(moduleDir, work, { recursive: true });
    // The module cache is read-only; only the version directory needs to be writable.
    const versionDir = path.join(work, 'build', 'version');
    chmodSync(work, 0o755);
    chmodSync(path.join(work, 'build'), 0o755);
    chmodSync(versionDir, 0o755);
    writeFileSync(path.join(versionDir, 'version.txt'), `${FERRETDB_VERSION}\n`);
    const output = path.join(work, 'ferretdb.bin');
    const build = await runCommand(go, ['build', '-trimpath', '-o', output, './cmd/ferretdb'], {
      cwd: work,
      env: goEnv,
      timeoutMs: 900_000,
    });
    if (build.code !== 0 || !isExecutable(output)) {
      return { attempts: [`go build FerretDB ${FERRETDB_VERSION}: failed (${lastLine(build.stderr)})`] };
    }
    mkdirSync(path.dirname(cached), { recursive: true });
    renameSync(output, cached);
    return { path: cached, via: `built with Go from ${FERRETDB_MODULE}@${FERRETDB_VERSION}` };
  } finally {
    makeWritable(work);
    rmSync(work, { recursive: true, force: true });
  }
}

function toolCacheDirEnsured(): string {
  mkdirSync(toolCacheDir(), { recursive: true });
  return toolCacheDir();
}

/** Copied module files keep the cache's read-only modes; rm needs the directories writable. */
function makeWritable(dir: string): void {
  try {
    execFileSync('chmod', ['-R', 'u+w', dir], { stdio: 'ignore' });
  } catch {
    // Nothing to clean up, or nothing we can do about it: the build itself already succeeded or failed.
  }
}

function lastLine(text: string): string {
  return (text.trim().split('\n').pop() ?? '').slice(0, 300) || 'no output';
}

