import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { devSource, initProviders } from './dev-source';
import { scaffoldFiles } from './scaffold-files';

export interface InitOptions {
  readonly dir: string;
  readonly provider: string;
  /** The source's name; default the provider's. */
  readonly sourceName?: string;
  /** The hookflow dependency of a new package.json. */
  readonly hookflowRange: string;
}

export interface InitResult {
  readonly dir: string;
  readonly sourceName: string;
  /** Paths written, relative to `dir`. */
  readonly written: string[];
}

/** Thrown for what the user must change: an unknown provider, a file that would be overwritten. */
export class InitError extends Error {}

/**
 * `hookflow init`: scaffold a project that depends on hookflow in `dir` (made if missing). An
 * existing package.json gains the scripts and the dependency; every other file must not exist
 * yet, so nothing of the user's is overwritten.
 */
export function initProject({ dir, provider, sourceName = provider, hookflowRange }: InitOptions): InitResult {
  const source = devSource(provider);
  if (!source) {
    throw new InitError(
      `hookflow init cannot generate a development secret for provider ${JSON.stringify(provider)} ` +
        `(unknown, or verified with a key pair or credentials of its own); choose one of: ${initProviders().join(', ')}. ` +
        'Any other provider can be added to hookflow.config.json by hand afterwards.',
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(sourceName)) throw new InitError(`source name ${JSON.stringify(sourceName)}: use letters, digits, - and _`);
  const target = path.resolve(dir);
  const packagePath = path.join(target, 'package.json');
  const packageJson = existsSync(packagePath) ? readPackageJson(packagePath) : undefined;
  const files = scaffoldFiles({ sourceName, source, packageJson, projectName: projectName(target), hookflowRange });
  const clashes = Object.keys(files).filter((file) => file !== 'package.json' && existsSync(path.join(target, file)));
  if (clashes.length > 0) throw new InitError(`${target} already has ${clashes.join(', ')}: hookflow init writes no file that exists`);
  mkdirSync(target, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(target, file), content);
  return { dir: target, sourceName, written: Object.keys(files) };
}

function readPackageJson(file: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InitError(`${file} is not a JSON object; fix it or run hookflow init in an empty directory`);
}

/** npm's rules, roughly: lower case, no spaces. */
function projectName(dir: string): string {
  return path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'hookflow-app';
}
