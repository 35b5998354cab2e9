import { parseArgs } from 'node:util';
import { AdminApiError, createAdminClient } from './events/admin-client';
import { resolveAdminEndpoint, type AdminEndpoint } from './events/admin-endpoint';

/**
 * `hookflow destinations|sources pause|resume <name> [--reason R]`, through the admin API: while
 * paused, a destination's forwards (a source's events) hold durably as `held`; on resume they
 * drain. Exit 0 done, 1 the API refused or could not be reached, 2 a usage error.
 */
export async function controlCommand(
  kind: 'destinations' | 'sources',
  argv: string[],
  { endpoint = () => resolveAdminEndpoint() }: { endpoint?: () => AdminEndpoint } = {},
): Promise<number> {
  const usage = `usage: hookflow ${kind} pause|resume <name> [--reason R] [--json]`;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { reason: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const [action, name] = parsed.positionals;
  if ((action !== 'pause' && action !== 'resume') || !name || parsed.positionals.length > 2) {
    console.error(usage);
    return 2;
  }
  try {
    const result = await createAdminClient(endpoint()).control(kind, name, action, parsed.values.reason ? { reason: parsed.values.reason } : {});
    if (parsed.values.json) console.log(JSON.stringify(result));
    else if (result.paused) console.log(`${result.kind} ${result.name} paused: its ${kind === 'destinations' ? 'forwards' : 'events'} are held until it is resumed`);
    else console.log(`${result.kind} ${result.name} resumed: ${result.signalled} held event(s) told to go on`);
    return 0;
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    console.error(`hookflow: ${error.message}`);
    return 1;
  }
}
