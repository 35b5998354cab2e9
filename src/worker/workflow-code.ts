import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { workflowInterceptorModules } from '../telemetry/workflow-interceptor-modules';

/** The workflows module: workflows/index.ts in a checkout, dist/workflows/index.js once built. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * Where `npm run build` writes the prebuilt bundle: dist/workflow-bundle.js, next to dist/src/.
 * Only compiled code (a .js file) looks for it: a checkout running its sources through tsx
 * always bundles the current workflows/, never a dist/ left from an older build.
 */
export const PREBUILT_BUNDLE_PATH = path.resolve(__dirname, '..', '..', 'workflow-bundle.js');

/**
 * The worker's workflow code: the prebuilt bundle when this is an installed package, else the
 * sources with the interceptor modules (the one list bundle-workflows.ts also bundles).
 */
export function workflowCodeOptions(
  prebuilt: string | undefined = __filename.endsWith('.js') && existsSync(PREBUILT_BUNDLE_PATH) ? PREBUILT_BUNDLE_PATH : undefined,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'interceptors'> {
  // A bundle holds its interceptor modules already; the SDK warns when they are passed again.
  if (prebuilt) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: WORKFLOWS_PATH, interceptors: { workflowModules: workflowInterceptorModules() } };
}
