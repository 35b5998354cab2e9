import { parseArgs } from 'node:util';
import pino from 'pino';
import { Registry } from 'prom-client';
import { durationProblem, parseDuration } from '../config/duration';
import { loadConfig } from '../config/load-config';
import { env } from '../config/env';
import { createReconciledCounter } from '../metrics/reconciled-events-counter';
import { ReconcileError } from '../reconcile/reconcile-error';
import type { ReconcileReport } from '../reconcile/reconcile-report';
import { reconcileSource } from '../reconcile/reconcile-source';
import { createBodyStore } from '../store/body-store';
import { openStore } from '../store/open-store';
import { createTemporalClient } from '../temporal/connect';
import { formatTable } from './events/format-table';

const USAGE = `Usage: hookflow reconcile <source> [--since 72h|<ISO time>] [--dry-run] [--json]

Lists the events the provider's API has for the source (stripe: GET /v1/events; github: the
hook's deliveries) since --since (default: the source's reconcile.lookback, 72h), and starts each
one missing here as a delivery would, marked recoveredBy "reconcile". --dry-run starts nothing.`;

/** `hookflow reconcile`: exit 0 when nothing failed, 1 when some events could not be recovered, 2 for bad usage. */
export async function reconcileCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { since: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`hookflow reconcile: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [sourceName, ...extra] = positionals;
  if (!sourceName || extra.length > 0) {
    console.error(`hookflow reconcile: name one source\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const source = config.sources.get(sourceName);
  const now = new Date();
  let since: Date;
  if (values.since === undefined) since = new Date(now.getTime() - (source?.reconcile?.lookbackMs ?? 72 * 3_600_000));
  else if (durationProblem(values.since) === undefined) since = new Date(now.getTime() - parseDuration(values.since));
  else if (!Number.isNaN(Date.parse(values.since))) since = new Date(values.since);
  else {
    console.error(`hookflow reconcile: --since ${JSON.stringify(values.since)} is neither a duration (72h) nor an ISO time`);
    return 2;
  }

  // Logs go to stderr, so stdout holds only the report (`--json` pipes into jq).
  const logger = pino({ name: 'hookflow-reconcile', level: env('HOOKFLOW_LOG_LEVEL') ?? 'info' }, pino.destination(2));
  const temporal = createTemporalClient(config.temporal.address, config.temporal.namespace);
  const store = await openStore(config.mongodb.uri, config.mongodb.database);
  try {
    const report = await reconcileSource(
      {
        config,
        temporal,
        events: store.events,
        bodies: createBodyStore(store.bodies),
        logger,
        // This process serves no /metrics; workers count scheduled runs on theirs.
        count: createReconciledCounter(new Registry()),
      },
      sourceName,
      { since, dryRun: values['dry-run'] ?? false },
    );
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof ReconcileError) {
      console.error(`hookflow reconcile: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await temporal.connection.close();
    await store.close();
  }
}

export function formatReport(report: ReconcileReport): string {
  const recovered = report.dryRun ? 'missing (dry run: not started)' : 'recovered';
  const table = formatTable(
    ['source', 'since', 'found', 'already stored', recovered, 'failed'],
    [[report.source, report.since, String(report.found), String(report.alreadyStored), String(report.recovered), String(report.failed)]],
  );
  const lines = [table];
  if (report.recoveredIds.length > 0) lines.push('', `${report.dryRun ? 'missing' : 'recovered'}:`, ...report.recoveredIds.map((id) => `  ${id}`));
  if (report.failures.length > 0) lines.push('', 'failed:', ...report.failures.map((f) => `  ${f.eventId}: ${f.error}`));
  return lines.join('\n');
}
