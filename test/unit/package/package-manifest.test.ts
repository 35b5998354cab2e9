import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PREBUILT_BUNDLE_PATH, WORKFLOWS_PATH, workflowCodeOptions } from '../../../src/worker/workflow-code';
import { workflowInterceptorModules } from '../../../src/telemetry/workflow-interceptor-modules';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, any>;
const buildConfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as Record<string, any>;

describe('package.json (the published package)', () => {
  test('is publishable: not private, with a bin, engines and the files it ships', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ hookflow: 'bin/hookflow.js' });
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/']));
    // Neither the sources nor the tests: an installed package runs dist/ (bin/hookflow.js).
    expect(pkg.files.filter((entry: string) => /^(src|test|workflows|activities)\b/.test(entry))).toEqual([]);
  });

  test('exports "." as the compiled src/index with its declarations, where tsconfig.build.json emits them', () => {
    expect(pkg.exports['.']).toEqual({ types: './dist/src/index.d.ts', default: './dist/src/index.js' });
    expect(pkg.main).toBe('./dist/src/index.js');
    expect(pkg.types).toBe('./dist/src/index.d.ts');
    expect(buildConfig.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.', declaration: true });
    expect(buildConfig.include).toEqual(expect.arrayContaining(['src', 'workflows', 'activities']));
    expect(buildConfig.include).not.toContain('test');
  });

  test('build compiles with tsconfig.build.json, writes the workflow bundle and the console; prepare runs it', () => {
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json');
    expect(pkg.scripts.build).toContain('node dist/src/worker/write-workflow-bundle.js');
    expect(pkg.scripts.build).toContain('npm run build:console --if-present');
    expect(pkg.scripts.prepare).toBe('npm run build');
    // The clone's quick start and checks are untouched.
    expect(pkg.scripts.start).toBe('node bin/hookflow.js start');
    // The typecheck covers the console's front end too (its own tsconfig, browser types), and npm test runs it.
    expect(pkg.scripts.typecheck).toBe('tsc --noEmit -p . && tsc --noEmit -p src/console/ui');
    expect(pkg.scripts.test.startsWith('npm run typecheck && ')).toBe(true);
  });

  test('tsx is a devDependency only: an installed package never loads it', () => {
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
    // esbuild compiles users' TypeScript handlers at run time (src/handlers/require-user-module.ts).
    expect(pkg.dependencies.esbuild).toBeDefined();
  });
});

describe('workflowCodeOptions', () => {
  test('workflowCodeOptions(path) uses the prebuilt bundle and passes no interceptor modules (the bundle has them)', () => {
    expect(workflowCodeOptions('/x/workflow-bundle.js')).toEqual({ workflowBundle: { codePath: '/x/workflow-bundle.js' } });
  });

  test('workflowCodeOptions() in a checkout bundles the sources at start, with the interceptor modules bundle-workflows.ts bundles', () => {
    expect(PREBUILT_BUNDLE_PATH).toBe(path.join(ROOT, 'workflow-bundle.js')); // never dist/: a checkout runs its sources
    expect(workflowCodeOptions()).toEqual({ workflowsPath: WORKFLOWS_PATH, interceptors: { workflowModules: workflowInterceptorModules() } });
    expect(WORKFLOWS_PATH).toBe(path.join(ROOT, 'workflows', 'index.ts'));
  });
});
