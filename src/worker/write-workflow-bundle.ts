import { writeFileSync } from 'node:fs';
import { bundleWorkflows } from './bundle-workflows';
import { PREBUILT_BUNDLE_PATH } from './workflow-code';

/**
 * The last step of `npm run build`, run as `node dist/src/worker/write-workflow-bundle.js`:
 * bundles the compiled workflows into dist/workflow-bundle.js, so an installed worker starts
 * without seconds of webpack at every start.
 */
export async function writeWorkflowBundle(outFile = PREBUILT_BUNDLE_PATH): Promise<string> {
  const quiet = () => {};
  const complain = (message: string) => process.stderr.write(`${message}\n`);
  const code = await bundleWorkflows({ trace: quiet, debug: quiet, info: quiet, log: quiet, warn: complain, error: complain } as never);
  writeFileSync(outFile, code);
  return outFile;
}

if (require.main === module) {
  writeWorkflowBundle().then(
    (file) => console.log(`wrote the workflow bundle ${file}`),
    (error: unknown) => {
      console.error(`cannot bundle the workflows: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
