import { chmodSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { env } from '../config/env';

/** The repository root: src/stack/ is two levels down. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Where `hookflow start` keeps the Temporal and MongoDB data, so state survives restarts. */
export function dataDir(): string {
  return path.resolve(env('HOOKFLOW_DATA_DIR') ?? path.join(PROJECT_ROOT, '.hookflow'));
}

/** Where provisioned binaries live (temporal CLI, FerretDB, downloaded mongod). */
export function toolCacheDir(): string {
  return path.resolve(env('HOOKFLOW_TOOL_CACHE') ?? path.join(PROJECT_ROOT, '.hookflow', 'tools'));
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
