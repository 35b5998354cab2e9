import { readFileSync } from 'node:fs';

const TYPESCRIPT_EXTENSIONS = ['.ts', '.cts', '.mts'] as const;

/**
 * Require the user's handlers module, written in JavaScript or TypeScript. A user of the
 * installed package needs no TypeScript toolchain of their own: hookflow compiles each .ts file
 * it loads with esbuild (one of its dependencies; types are stripped, not checked: run `tsc` for
 * that). In a checkout tsx already compiles .ts files, and is left in charge.
 */
export function requireUserModule(modulePath: string): Record<string, unknown> {
  registerTypeScript();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(modulePath) as Record<string, unknown>;
}

/** Teach `require` to load .ts files (and so find `./handlers` as handlers.ts), once. */
function registerTypeScript(): void {
  // Absent where a test runner provides its own `require` (jest, which compiles .ts itself).
  const extensions = require.extensions as NodeJS.RequireExtensions | undefined;
  if (!extensions) return;
  for (const extension of TYPESCRIPT_EXTENSIONS) {
    if (extensions[extension]) continue; // tsx (a checkout), ts-node, or us already
    extensions[extension] = (module, filename) => {
      // Loaded on the first .ts file only: a JavaScript handlers module never starts esbuild.
      const { transformSync } = require('esbuild') as typeof import('esbuild');
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        loader: 'ts',
        format: 'cjs',
        target: `node${process.versions.node.split('.')[0]}`,
        sourcefile: filename,
        sourcemap: 'inline',
      });
      (module as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
    };
  }
}
