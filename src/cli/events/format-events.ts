import { formatTable, truncate } from './format-table';

/**
 * Readable renderings of the admin API's answers (`--json` prints them raw instead). They read
 * the JSON as sent, so times are ISO strings here.
 */

interface Intervention {
  action: string;
  reason?: string;
  at: string;
}

interface Summary {
  id: string;
  source: string;
  type: string;
  status: string;
  receivedAt: string;
  replayedAt?: string;
  attempts?: number;
  lastError?: string;
  replayOf?: string;
  intervention?: Intervention;
}

interface Page {
  events: Summary[];
  nextCursor: string | null;
}

interface ActionRecord {
  kind: string;
  target: string;
  status: string;
  attempts: number;
  result?: unknown;
  error?: string;
  scheduledFor?: string;
}

interface Details {
  event:
    | (Summary & {
        provider: string;
        eventId: string;
        occurredAt?: string;
        completedAt?: string;
        failedAction?: string;
        orderingKey?: string;
        refusedBy?: { route: string; reason: string }[];
        scheduledFor?: string;
        body: { storage: 'inline'; bytes: number } | { storage: 'claim-check'; bodyId: string; bytes: number };
        payload?: unknown;
        actions: Record<string, ActionRecord>;
      })
    | null;
  temporal: { status: string; runId: string; startTime: string; closeTime?: string; failure?: string } | null;
  replays: Summary[];
  temporalUrl: string;
}

interface BulkReport {
  action: string;
  dryRun: boolean;
  matched: number;
  count: number;
  wouldStart?: string[];
  started?: { id: string; workflowId: string; alreadySucceeded?: string[] }[];
  skipped: { id: string; reason: string }[];
  stopped?: string;
}

/** ISO time without milliseconds: the table stays narrow and still sorts by eye. */
export function shortTime(iso: string | undefined): string {
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '';
}

export function formatEventList(page: Page, nextCommand?: string): string {
  if (page.events.length === 0) return 'no events match';
  const table = formatTable(
    // A replay is listed, and shown, at the time it was made (the list's order).
    ['ID', 'STATUS', 'SOURCE', 'TYPE', 'RECEIVED', 'ATTEMPTS', 'LAST ERROR'],
    page.events.map((e) => [
      e.id,
      e.status,
      e.source,
      e.type,
      shortTime(e.replayedAt ?? e.receivedAt),
      String(e.attempts ?? 0),
      truncate(e.lastError ?? '', 60),
    ]),
  );
  const count = `${page.events.length} event${page.events.length === 1 ? '' : 's'}`;
  const more = page.nextCursor ? `\nmore: ${nextCommand ?? '--cursor'} ${page.nextCursor}` : '';
  return `${table}\n${count}${more}`;
}

const PAYLOAD_PREVIEW_CHARS = 2_000;

export function formatEventDetails(details: Details): string {
  const lines: string[] = [];
  const row = (label: string, value: string | undefined) => {
    if (value) lines.push(`  ${label.padEnd(13)}${value}`);
  };
  const { event, temporal } = details;
  if (event) {
    lines.push(`${event.id}  ${event.status}`);
    row('source', `${event.source} (${event.provider})`);
    row('type', event.type);
    row('event ID', event.eventId);
    row('occurred', shortTime(event.occurredAt));
    row('received', shortTime(event.receivedAt));
    row('replayed', shortTime(event.replayedAt));
    row('completed', shortTime(event.completedAt));
    row('scheduled for', shortTime(event.scheduledFor));
    row('attempts', String(event.attempts ?? 0));
    row('last error', event.lastError);
    row('failed', event.failedAction);
    row('ordering key', event.orderingKey);
    for (const refusal of event.refusedBy ?? []) row('refused by', `${refusal.route}: ${refusal.reason}`);
    row('replay of', event.replayOf);
    row('intervention', event.intervention && formatIntervention(event.intervention));
    row(
      'body',
      event.body.storage === 'inline'
        ? `inline, ${event.body.bytes} bytes`
        : `claim-checked in bodies: ${event.body.bodyId}, ${event.body.bytes} bytes (not loaded)`,
    );
  } else {
    lines.push(`(no event document yet: the workflow has not recorded it)`);
  }
  lines.push('Temporal');
  if (temporal) {
    row('status', temporal.status);
    row('run', temporal.runId);
    row('started', shortTime(temporal.startTime));
    row('closed', shortTime(temporal.closeTime));
    row('failure', temporal.failure);
  } else {
    row('status', 'no workflow (never started, or past retention)');
  }
  row('UI', details.temporalUrl);
  const actions = Object.entries(event?.actions ?? {});
  if (actions.length > 0) {
    lines.push('Actions');
    lines.push(
      indent(
        formatTable(
          ['NAME', 'STATUS', 'ATTEMPTS', 'RESULT / ERROR'],
          actions.map(([name, a]) => [
            name,
            a.status === 'scheduled' && a.scheduledFor ? `scheduled for ${shortTime(a.scheduledFor)}` : a.status,
            String(a.attempts),
            truncate(a.error ?? (a.result === undefined ? '' : JSON.stringify(a.result)), 70),
          ]),
        ),
      ),
    );
  }
  if (details.replays.length > 0) {
    lines.push('Replays');
    lines.push(indent(formatTable(['ID', 'STATUS', 'ATTEMPTS'], details.replays.map((r) => [r.id, r.status, String(r.attempts ?? 0)]))));
  }
  if (event && 'payload' in event) {
    const text = JSON.stringify(event.payload, null, 2) ?? 'null';
    lines.push('Payload');
    lines.push(indent(text.length > PAYLOAD_PREVIEW_CHARS ? `${text.slice(0, PAYLOAD_PREVIEW_CHARS)}\n… (${text.length} characters; --json for all)` : text));
  }
  return lines.join('\n');
}

function formatIntervention({ action, reason, at }: Intervention): string {
  return `${action} at ${shortTime(at)}${reason ? `: ${reason}` : ''}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The answer of a single retry, replay, terminate or cancel. */
export function formatActionResult(action: string, result: Record<string, any>): string {
  switch (action) {
    case 'retry':
      return `retry started: ${result.workflowId}${result.ordered ? ' (queued behind the earlier events of its ordering key)' : ''}${alreadySucceeded(result.alreadySucceeded)}`;
    case 'replay':
      return `replay started: ${result.workflowId} (replay of ${result.replayOf})`;
    case 'terminate':
      return `terminated: ${result.id} (run ${result.runId})`;
    case 'cancel':
      return `cancellation requested: ${result.id} (run ${result.runId}); it is recorded as cancelled once its handlers stop`;
    default:
      return JSON.stringify(result);
  }
}

/** A retry does not run again the actions that succeeded before; say which. */
function alreadySucceeded(names: string[] | undefined): string {
  return names?.length ? `; not run again, succeeded before: ${names.join(', ')}` : '';
}

export function formatBulkReport(report: BulkReport): string {
  const verb = report.action === 'retry' ? 'retried' : 'replayed';
  const lines: string[] = [];
  if (report.dryRun) {
    lines.push(`dry run: ${report.count} of ${report.matched} matching events would be ${verb}; nothing was started`);
    for (const id of report.wouldStart ?? []) lines.push(`  ${id}`);
  } else {
    lines.push(`${report.count} of ${report.matched} matching events ${verb}`);
    for (const { id, workflowId, alreadySucceeded: kept } of report.started ?? []) {
      lines.push(`  ${workflowId === id ? id : `${id} -> ${workflowId}`}${alreadySucceeded(kept)}`);
    }
  }
  if (report.skipped.length > 0) {
    lines.push(`skipped ${report.skipped.length}:`);
    lines.push(indent(formatTable(['ID', 'REASON'], report.skipped.map((s) => [s.id, s.reason]))));
  }
  if (report.stopped) lines.push(`stopped early: ${report.stopped}`);
  return lines.join('\n');
}
