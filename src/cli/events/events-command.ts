import { parseArgs } from 'node:util';
import { AdminApiError, createAdminClient, type AdminClient } from './admin-client';
import { NoAdminTokenError, resolveAdminEndpoint, type AdminEndpoint } from './admin-endpoint';
import { formatActionResult, formatBulkReport, formatEventDetails, formatEventList } from './format-events';

export const EVENTS_USAGE = `Usage:
  hookflow events list [--source S] [--type T] [--status S[,S...]] [--from ISO] [--to ISO]
                       [--limit N] [--cursor C]          newest first; 50 a page, at most 500
  hookflow events show <id>                             the document, the Temporal run, replays
  hookflow events retry <id> [--reason R]               run a failed/terminated/cancelled event again
  hookflow events replay <id> [--reason R]              run any event again as <id>#replay-<n>
  hookflow events retry|replay --limit N [--source S] [--type T] [--status S] [--from ISO] [--to ISO]
                       [--include-replays] [--dry-run] [--reason R]
                                                        in bulk, by filter (retry: status failed,
                                                        cancelled or terminated unless --status);
                                                        replays only with --include-replays
  hookflow events terminate <id> --reason R             stop it now; no cleanup runs
  hookflow events cancel <id> --reason R                ask it to stop; handlers see their abort signal
Every command takes --json to print the API's answer as is.
The admin API is found at HOOKFLOW_ADMIN_URL (default http://<admin.host>:<admin.port>) with the
token HOOKFLOW_ADMIN_TOKEN (default admin.token).`;

const FILTERS = ['source', 'type', 'status', 'from', 'to'] as const;
/** Which flags each form takes; anything else is a usage error, not silently ignored. */
const FLAGS: Record<string, readonly string[]> = {
  list: [...FILTERS, 'limit', 'cursor', 'json'],
  show: ['json'],
  one: ['reason', 'json'],
  bulk: [...FILTERS, 'limit', 'dry-run', 'include-replays', 'reason', 'json'],
  stop: ['reason', 'json'],
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const consoleIo: Io = { out: (text) => console.log(text), err: (text) => console.error(text) };

class UsageError extends Error {}

/**
 * `hookflow events ...`: the admin API from the command line. Exit codes: 0 done, 1 the API
 * refused or could not be reached (its message on stderr), 2 a usage error.
 */
export async function eventsCommand(
  argv: string[],
  { io = consoleIo, endpoint }: { io?: Io; endpoint?: () => AdminEndpoint } = {},
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        source: { type: 'string' },
        type: { type: 'string' },
        status: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        reason: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'include-replays': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`hookflow events: ${(error as Error).message}\n\n${EVENTS_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(EVENTS_USAGE);
    return 0;
  }
  try {
    const [command, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const form = formOf(command, id);
    const unknown = Object.keys(values).filter((flag) => values[flag] !== undefined && !FLAGS[form].includes(flag));
    if (unknown.length > 0) throw new UsageError(`--${unknown[0]} does not go with \`events ${command}${id === undefined ? '' : ' <id>'}\``);
    const client = createAdminClient((endpoint ?? resolveAdminEndpoint)());
    const answer = await call(client, form, command, id, values);
    io.out(values.json ? JSON.stringify(answer, null, 2) : render(form, command, answer, values));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`hookflow events: ${error.message}\n\n${EVENTS_USAGE}`);
      return 2;
    }
    if (error instanceof AdminApiError) {
      io.err(`hookflow: ${error.status ? `${error.status} ` : ''}${error.message}`);
      return 1;
    }
    if (error instanceof NoAdminTokenError) {
      io.err(`hookflow: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function formOf(command: string | undefined, id: string | undefined): keyof typeof FLAGS {
  switch (command) {
    case 'list':
      if (id !== undefined) throw new UsageError('`events list` takes no ID; use `events show <id>`');
      return 'list';
    case 'show':
      if (id === undefined) throw new UsageError('`events show` needs an event ID');
      return 'show';
    case 'retry':
    case 'replay':
      return id === undefined ? 'bulk' : 'one';
    case 'terminate':
    case 'cancel':
      if (id === undefined) throw new UsageError(`\`events ${command}\` needs an event ID`);
      return 'stop';
    case undefined:
      throw new UsageError('which events command?');
    default:
      throw new UsageError(`unknown events command ${JSON.stringify(command)}`);
  }
}

function call(client: AdminClient, form: string, command: string | undefined, id: string | undefined, values: Record<string, unknown>) {
  const pick = (names: readonly string[]) =>
    Object.fromEntries(names.filter((name) => typeof values[name] === 'string').map((name) => [name, values[name] as string]));
  switch (form) {
    case 'list':
      return client.list(pick([...FILTERS, 'limit', 'cursor']));
    case 'show':
      return client.show(id!);
    case 'bulk': {
      const body: Record<string, unknown> = pick([...FILTERS, 'reason']);
      // A number where it is one; anything else goes as typed, and the API names the problem.
      if (typeof values.limit === 'string') body.limit = /^\d+$/.test(values.limit) ? Number(values.limit) : values.limit;
      if (values['dry-run']) body.dryRun = true;
      if (values['include-replays']) body.includeReplays = true;
      return client.bulk(command as 'retry' | 'replay', body);
    }
    default:
      return client.act(id!, command as 'retry' | 'replay' | 'terminate' | 'cancel', pick(['reason']));
  }
}

function render(form: string, command: string | undefined, answer: any, values: Record<string, unknown>): string {
  switch (form) {
    case 'list': {
      const flags = [...FILTERS, 'limit']
        .filter((name) => typeof values[name] === 'string')
        .map((name) => `--${name} ${quote(values[name] as string)}`);
      return formatEventList(answer, ['hookflow events list', ...flags, '--cursor'].join(' '));
    }
    case 'show':
      return formatEventDetails(answer);
    case 'bulk':
      return formatBulkReport(answer);
    default:
      return formatActionResult(command!, answer);
  }
}

function quote(value: string): string {
  return /^[\w.,:@%+=/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
