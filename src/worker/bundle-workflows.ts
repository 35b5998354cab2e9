import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorModules } from '../telemetry/workflow-interceptor-modules';
import { WORKFLOWS_PATH } from './workflow-code';

type BundleLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

/**
 * Bundle hookflow's workflows with the interceptor modules a worker bundling at start uses (one
 * list, src/telemetry/workflow-interceptor-modules.ts), so the shipped bundle cannot lack one:
 * `npm run build` (write-workflow-bundle.ts) and the tests' global setup both call this.
 */
export async function bundleWorkflows(logger?: BundleLogger): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: workflowInterceptorModules(),
    ...(logger ? { logger } : {}),
  });
  return code;
}
