import { formatReport } from '../../../src/cli/reconcile-command';
import type { ReconcileReport } from '../../../src/reconcile/reconcile-report';

const report: ReconcileReport = {
  source: 'stripe',
  since: '2026-11-28T09:00:00.000Z',
  dryRun: false,
  found: 212,
  alreadyStored: 209,
  recovered: 2,
  failed: 1,
  recoveredIds: ['stripe:evt_1', 'stripe:evt_2'],
  failures: [{ eventId: 'evt_\u0000x', error: 'event ID contains a NUL character (U+0000)' }],
};

describe('formatReport(report): the `hookflow reconcile` table', () => {
  test('one row of counts, then the recovered workflow IDs and each failure with its reason', () => {
    expect(formatReport(report).split('\n')).toEqual([
      'source  since                     found  already stored  recovered  failed',
      'stripe  2026-11-28T09:00:00.000Z  212    209             2          1',
      '',
      'recovered:',
      '  stripe:evt_1',
      '  stripe:evt_2',
      '',
      'failed:',
      '  evt_\u0000x: event ID contains a NUL character (U+0000)',
    ]);
  });

  test('a dry run says the missing events were not started', () => {
    const lines = formatReport({ ...report, dryRun: true, failed: 0, failures: [] }).split('\n');
    expect(lines[0]).toContain('missing (dry run: not started)');
    expect(lines.slice(2)).toEqual(['', 'missing:', '  stripe:evt_1', '  stripe:evt_2']);
  });

  test('nothing missing: the counts alone', () => {
    expect(formatReport({ ...report, recovered: 0, failed: 0, recoveredIds: [], failures: [] }).split('\n')).toHaveLength(2);
  });
});
