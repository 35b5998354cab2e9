import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The package's root, whether this file runs from src/console (tsx) or compiled from dist/src/console. */
const ROOT = ((up) => (path.basename(up) === 'dist' ? path.dirname(up) : up))(path.resolve(__dirname, '../..'));
/** The console's front-end sources (Preact, TSX). */
export const CONSOLE_UI_DIR = path.join(ROOT, 'src', 'console', 'ui');
/** Where the bundle goes: gitignored, rebuilt by `npm install` (prepare), tests and the admin server. */
export const CONSOLE_BUNDLE_DIR = path.join(ROOT, 'dist', 'console');
export const CONSOLE_FILES = ['app.js', 'app.css'] as const;

/**
 * Bundle the console with esbuild: one minified ES module and one stylesheet. Each file is
 * written beside its final name and renamed over it, so an admin server reading the bundle while
 * another process rebuilds it never serves half a file.
 */
export async function buildConsole(outDir = CONSOLE_BUNDLE_DIR): Promise<{ readonly dir: string; readonly bytes: Record<string, number> }> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: path.join(CONSOLE_UI_DIR, 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    outdir: outDir,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(outDir, { recursive: true });
  const bytes: Record<string, number> = {};
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
    bytes[path.basename(file.path)] = file.contents.length;
  }
  return { dir: outDir, bytes };
}

/** True when a bundle file is missing or older than any front-end source. */
export function consoleBundleIsStale(outDir = CONSOLE_BUNDLE_DIR): boolean {
  // An installed package without the front-end sources serves the bundle it was built with.
  if (!existsSync(CONSOLE_UI_DIR)) return CONSOLE_FILES.some((name) => !existsSync(path.join(outDir, name)));
  let built = Infinity;
  for (const name of CONSOLE_FILES) {
    try {
      built = Math.min(built, statSync(path.join(outDir, name)).mtimeMs);
    } catch {
      return true;
    }
  }
  return newestSource(CONSOLE_UI_DIR) > built;
}

/** Build the bundle unless it is up to date; resolves to whether it built. */
export async function ensureConsoleBundle(log: (line: string) => void = () => {}, outDir = CONSOLE_BUNDLE_DIR): Promise<boolean> {
  if (!consoleBundleIsStale(outDir)) return false;
  const started = Date.now();
  const { bytes } = await buildConsole(outDir);
  log(`built the console bundle (${Object.entries(bytes).map(([name, n]) => `${name} ${Math.round(n / 1024)} KiB`).join(', ')}) in ${Date.now() - started} ms`);
  return true;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

// `npm run build:console` (and the root package's `prepare`).
if (require.main === module) {
  buildConsole().then(
    ({ dir, bytes }) => console.log(`console bundle in ${dir}: ${JSON.stringify(bytes)}`),
    (error: Error) => {
      console.error(`build:console failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
