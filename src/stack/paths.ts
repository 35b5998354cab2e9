import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '../config/env';

/**
 * Whether this is a checkout running its TypeScript sources (through tsx, bin/hookflow.js) or
 * an installed package running its compiled dist/. The two keep their data in different places.
 */
export const RUNNING_SOURCES = __filename.endsWith('.ts');

/**
 * hookflow's own root, where package.json and bin/ are: src/stack/ is two levels down in a
 * checkout, dist/src/stack/ three in an installed package.
 */
export const PROJECT_ROOT = path.resolve(__dirname, ...(RUNNING_SOURCES ? ['..', '..'] : ['..', '..', '..']));

/**
 * Where `hookflow start` keeps the Temporal and MongoDB data, so state survives restarts: the
 * checkout's .hookflow/, or for an installed package .hookflow/ in the directory it runs in
 * (the user's project), never inside node_modules, which the next install wipes.
 */
export function dataDir(): string {
  return path.resolve(env('HOOKFLOW_DATA_DIR') ?? (RUNNING_SOURCES ? path.join(PROJECT_ROOT, '.hookflow') : '.hookflow'));
}

/**
 * Where provisioned binaries live (temporal CLI, FerretDB, downloaded mongod): the checkout's
 * .hookflow/tools, or for an installed package the user's cache directory, so every project on
 * the machine shares one temporal CLI and one FerretDB build.
 */
export function toolCacheDir(): string {
  return path.resolve(env('HOOKFLOW_TOOL_CACHE') ?? (RUNNING_SOURCES ? path.join(PROJECT_ROOT, '.hookflow', 'tools') : userToolCache()));
}

function userToolCache(): string {
  return path.join(os.homedir(), '.cache', 'hookflow', 'tools');
}

/**
 * A new directory for a stack's data (tests, the bench). mkdtemp makes it private to us, but
 * PostgreSQL runs as another user when we are root (it refuses root), and must reach its data.
 */
export function makeStackDir(parent: string, prefix: string): string {
  const dir = mkdtempSync(path.join(parent, prefix));
  chmodSync(dir, 0o755);
  return dir;
}
