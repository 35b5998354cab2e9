import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InitError, initProject } from '../init/init-project';
import { PROJECT_ROOT } from '../stack/paths';

const USAGE = 'usage: hookflow init [dir] [--provider stripe] [--source name]';

/**
 * `hookflow init [dir] [--provider P] [--source name]`: scaffold a project that depends on
 * hookflow (src/init/), then say what to run next.
 */
export async function initCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { provider: { type: 'string', default: 'hmac' }, source: { type: 'string' } },
    });
  } catch (error) {
    console.error(`hookflow init: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const dir = positionals[0] ?? '.';
  const version = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  try {
    const result = initProject({
      dir,
      provider: values.provider,
      ...(values.source ? { sourceName: values.source } : {}),
      hookflowRange: `^${version}`,
    });
    const cd = path.relative(process.cwd(), result.dir);
    // After `npm install hookflow` in this directory there is nothing left to install.
    const install = existsSync(path.join(result.dir, 'node_modules', 'hookflow')) ? '' : 'npm install';
    const first = [cd ? `cd ${cd}` : '', install].filter(Boolean).join(' && ');
    console.log(`created a hookflow project in ${result.dir}: ${result.written.join(', ')}

  Next:${first ? `\n    ${first}` : ''}
    npm run dev                          # Temporal, MongoDB, the receiver and a worker, in the foreground
    npx hookflow send ${result.sourceName}${' '.repeat(Math.max(1, 19 - result.sourceName.length))}# in another terminal: a signed sample event

  Your handlers are in handlers.ts; sources and routes in hookflow.config.json.`);
    return 0;
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    console.error(`hookflow init: ${error.message}`);
    return 1;
  }
}
