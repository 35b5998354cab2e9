import { ConfigError } from '../config/config-error';

const USAGE = `hookflow: durable webhooks on Temporal

Usage:
  hookflow start [--workers N]      run the whole stack in the foreground (Temporal, MongoDB,
                                    receiver, workers); Ctrl-C stops everything
  hookflow init [dir] [--provider stripe]
                                    scaffold a project that depends on hookflow: config with
                                    development secrets, a typed handlers.ts, npm scripts
  hookflow receiver                 run the HTTP receiver
  hookflow worker                   run one worker (run as many as you like, anywhere)
  hookflow send <source> [--type T] [--data file.json] [--url U]
                                    sign a sample event as the source's provider would and post it
  hookflow transform <route-or-source> --data file.json [--headers h.json] [--query q] [--type T]
                                    print what the route's filter and transform would do with
                                    that input; starts nothing
  hookflow destinations|sources pause|resume <name> [--reason R]
                                    hold a destination's forwards (a source's processing) durably
                                    until resumed, through the admin API
  hookflow events list|show|retry|replay|terminate|cancel ...
                                    operate on events through the admin API (\`hookflow events --help\`)
  hookflow reconcile <source> [--since 72h] [--dry-run] [--json]
                                    find events the provider's API has and this deployment lacks
                                    (stripe, github), and start them
  hookflow temporal ...             the temporal CLI the embedded stack uses, arguments passed
                                    through (\`hookflow temporal workflow list\`)

Config: HOOKFLOW_CONFIG (default hookflow.config.json). See README.md.`;

/**
 * Dispatch a command; returns the process exit code. Commands load their modules lazily (with
 * require, which tsx resolves for .ts files) so `send` does not pay for the worker's imports.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await (require('./start-stack') as typeof import('./start-stack')).startStack(rest);
      case 'init':
        return await (require('./init-command') as typeof import('./init-command')).initCommand(rest);
      case 'receiver':
        return exitAfter(await (require('./run-receiver') as typeof import('./run-receiver')).runReceiver());
      case 'worker':
        return exitAfter(await (require('./run-worker') as typeof import('./run-worker')).runWorker());
      case 'send':
        return await (require('./send-event') as typeof import('./send-event')).sendEvent(rest);
      case 'transform':
        return await (require('./transform-command') as typeof import('./transform-command')).transformCommand(rest);
      case 'destinations':
      case 'sources':
        return await (require('./control-command') as typeof import('./control-command')).controlCommand(command, rest);
      case 'events':
        return await (require('./events/events-command') as typeof import('./events/events-command')).eventsCommand(rest);
      case 'reconcile':
        return await (require('./reconcile-command') as typeof import('./reconcile-command')).reconcileCommand(rest);
      case 'temporal':
        return await (require('./run-temporal-cli') as typeof import('./run-temporal-cli')).runTemporalCli(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        console.error(`hookflow: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`hookflow: ${error.message}`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
}

/**
 * Servers end once their graceful shutdown is done, even if user code (a handler's database
 * pool, say) still holds the event loop open: an orchestrator waiting on SIGTERM must see the
 * process go.
 */
function exitAfter(code: number): never {
  process.exit(code);
}
