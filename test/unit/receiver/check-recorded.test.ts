import type { Db } from 'mongodb';
import pino from 'pino';
import { checkRecorded } from '../../../src/receiver/check-recorded';

function dbAnswering(findOne: (filter: unknown, options: unknown) => Promise<unknown>): { db: Db; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const db = {
    collection: (name: string) => ({
      findOne: (filter: unknown, options: unknown) => {
        calls.push([name, filter, options]);
        return findOne(filter, options);
      },
    }),
  } as unknown as Db;
  return { db, calls };
}

describe('checkRecorded(db, workflowId, logger)', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  beforeEach(() => {
    lines.length = 0;
  });

  test.each(['succeeded', 'ignored', 'stale'])('returns duplicate for a record that is %s', async (status) => {
    const { db } = dbAnswering(async () => ({ status }));
    await expect(checkRecorded(db, 'demo:e1', logger)).resolves.toBe('duplicate');
  });

  test.each(['processing', 'failed', 'cancelled', 'terminated'])('leaves a %s record to Temporal', async (status) => {
    const { db } = dbAnswering(async () => ({ status }));
    await expect(checkRecorded(db, 'demo:e1', logger)).resolves.toBeUndefined();
  });

  test('leaves an unknown event to Temporal', async () => {
    const { db } = dbAnswering(async () => null);
    await expect(checkRecorded(db, 'demo:e1', logger)).resolves.toBeUndefined();
  });

  test('makes exactly one findOne by _id, projecting only the status', async () => {
    const { db, calls } = dbAnswering(async () => null);
    await checkRecorded(db, 'demo:e1', logger);
    expect(calls).toEqual([['events', { _id: 'demo:e1' }, { projection: { _id: 0, status: 1 } }]]);
  });

  test('a failing read is logged and leaves the decision to Temporal, never throws', async () => {
    const { db } = dbAnswering(async () => {
      throw new Error('connection refused');
    });
    await expect(checkRecorded(db, 'demo:e1', logger)).resolves.toBeUndefined();
    expect(lines.some((l) => l.msg === 'cannot read the event record; leaving deduplication to Temporal')).toBe(true);
  });

  test('a read slower than the timeout leaves the decision to Temporal', async () => {
    const { db } = dbAnswering(() => new Promise((resolve) => setTimeout(() => resolve({ status: 'succeeded' }), 500)));
    const started = Date.now();
    await expect(checkRecorded(db, 'demo:e1', logger, 50)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(400);
    expect(lines.some((l) => l.timeoutMs === 50)).toBe(true);
  });
});
