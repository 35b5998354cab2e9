import { formatTable, truncate } from '../../../src/cli/events/format-table';
import { formatBulkReport, formatEventDetails, formatEventList, shortTime } from '../../../src/cli/events/format-events';
import { eventsCommand } from '../../../src/cli/events/events-command';

describe('formatTable(headers, rows)', () => {
  test('pads each column to its widest cell and trims the line end', () => {
    expect(formatTable(['ID', 'STATUS'], [['demo:1', 'ok'], ['x', 'failed']])).toBe('ID      STATUS\ndemo:1  ok\nx       failed');
  });

  test('truncate cuts long text to one line with an ellipsis', () => {
    expect(truncate('a\nb  c', 10)).toBe('a b c');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
  });
});

describe('hookflow events renderings', () => {
  const summary = {
    id: 'demo:e1',
    source: 'demo',
    type: 'order.paid',
    status: 'failed',
    receivedAt: '2024-05-01T10:00:00.123Z',
    attempts: 3,
    lastError: 'handler:x: boom',
  };

  test('formatEventList: a table, a count, and the command for the next page', () => {
    const text = formatEventList({ events: [summary], nextCursor: 'abc' }, 'hookflow events list --limit 1 --cursor');
    expect(text.split('\n')).toEqual([
      'ID       STATUS  SOURCE  TYPE        RECEIVED              ATTEMPTS  LAST ERROR',
      'demo:e1  failed  demo    order.paid  2024-05-01T10:00:00Z  3         handler:x: boom',
      '1 event',
      'more: hookflow events list --limit 1 --cursor abc',
    ]);
    expect(formatEventList({ events: [], nextCursor: null })).toBe('no events match');
  });

  test('formatEventDetails: the document, the Temporal run with its failure, actions and replays', () => {
    const text = formatEventDetails({
      event: {
        ...summary,
        provider: 'hmac',
        eventId: 'e1',
        failedAction: 'handler:x',
        intervention: { action: 'retry', reason: 'fixed', at: '2024-05-01T11:00:00.000Z' },
        body: { storage: 'claim-check', bodyId: 'ab12', bytes: 3_000_000 },
        actions: { 'handler:x': { kind: 'handler', target: 'x', status: 'failed', attempts: 3, error: 'boom' } },
      },
      temporal: { status: 'FAILED', runId: 'r1', startTime: '2024-05-01T10:00:00.200Z', failure: 'handler:x: boom' },
      replays: [{ ...summary, id: 'demo:e1#replay-1', status: 'succeeded', attempts: 1 }],
      temporalUrl: 'http://ui/namespaces/default/workflows/demo%3Ae1',
    });
    expect(text).toContain('demo:e1  failed');
    expect(text).toContain('intervention retry at 2024-05-01T11:00:00Z: fixed');
    expect(text).toContain('claim-checked in bodies: ab12, 3000000 bytes (not loaded)');
    expect(text).toMatch(/status\s+FAILED/);
    expect(text).toMatch(/failure\s+handler:x: boom/);
    expect(text).toContain('http://ui/namespaces/default/workflows/demo%3Ae1');
    expect(text).toMatch(/handler:x\s+failed\s+3\s+boom/);
    expect(text).toMatch(/demo:e1#replay-1\s+succeeded/);
    expect(text).not.toContain('Payload');
  });

  test('formatEventDetails: an ignored event shows each route that refused it and why (issue #13)', () => {
    const text = formatEventDetails({
      event: {
        ...summary,
        status: 'ignored',
        provider: 'hmac',
        eventId: 'e1',
        refusedBy: [
          { route: 'big-orders', reason: 'body.amount is 5, not $gte 1000' },
          { route: 'routes.1', reason: 'type "x" matches none of ["y.*"]' },
        ],
        body: { storage: 'inline', bytes: 10 },
        actions: {},
      },
      temporal: null,
      replays: [],
      temporalUrl: 'http://ui',
    });
    expect(text).toMatch(/refused by\s+big-orders: body\.amount is 5, not \$gte 1000/);
    expect(text).toMatch(/refused by\s+routes\.1: type "x" matches none of \["y\.\*"\]/);
  });

  test('formatEventDetails: a delayed event shows when it is scheduled for, and so does each waiting action (issue #13)', () => {
    const text = formatEventDetails({
      event: {
        ...summary,
        status: 'scheduled',
        provider: 'hmac',
        eventId: 'e1',
        scheduledFor: '2024-05-01T10:05:00.000Z',
        body: { storage: 'inline', bytes: 10 },
        actions: { 'handler:later': { kind: 'handler', target: 'later', status: 'scheduled', attempts: 0, scheduledFor: '2024-05-01T10:05:00.000Z' } },
      },
      temporal: null,
      replays: [],
      temporalUrl: 'http://ui',
    });
    expect(text).toContain('demo:e1  scheduled');
    expect(text).toMatch(/scheduled for\s*2024-05-01T10:05:00Z/);
    expect(text).toMatch(/handler:later\s+scheduled for 2024-05-01T10:05:00Z\s+0/);
  });

  test('formatBulkReport: a dry run says nothing was started; skipped events come with their reason', () => {
    expect(
      formatBulkReport({ action: 'retry', dryRun: true, matched: 2, count: 1, wouldStart: ['demo:a'], skipped: [{ id: 'demo:b', reason: 'it is still running' }] }),
    ).toBe(
      [
        'dry run: 1 of 2 matching events would be retried; nothing was started',
        '  demo:a',
        'skipped 1:',
        '  ID      REASON',
        '  demo:b  it is still running',
      ].join('\n'),
    );
    expect(
      formatBulkReport({ action: 'replay', dryRun: false, matched: 1, count: 1, started: [{ id: 'demo:a', workflowId: 'demo:a#replay-1' }], skipped: [] }),
    ).toBe('1 of 1 matching events replayed\n  demo:a -> demo:a#replay-1');
  });

  test('shortTime drops the milliseconds', () => {
    expect(shortTime('2024-05-01T10:00:00.123Z')).toBe('2024-05-01T10:00:00Z');
    expect(shortTime(undefined)).toBe('');
  });
});

describe('eventsCommand(argv) usage errors exit 2 before any call', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const endpoint = () => {
      throw new Error('no call expected');
    };
    const code = await eventsCommand(argv, { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, endpoint });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test.each([
    [[], 'which events command?'],
    [['frobnicate'], 'unknown events command "frobnicate"'],
    [['show'], '`events show` needs an event ID'],
    [['terminate'], '`events terminate` needs an event ID'],
    [['list', 'demo:e1'], '`events list` takes no ID'],
    [['show', 'demo:e1', 'extra'], 'unexpected argument "extra"'],
    [['show', 'demo:e1', '--reason', 'x'], '--reason does not go with `events show <id>`'],
    [['retry', 'demo:e1', '--dry-run'], '--dry-run does not go with `events retry <id>`'],
    [['list', '--cursor'], "Option '--cursor <value>' argument missing"],
    [['list', '--nope'], "Unknown option '--nope'"],
  ])('%j', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('Usage:');
  });

  test('--help prints the usage and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('hookflow events retry|replay --limit N');
  });
});
