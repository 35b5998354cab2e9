import { randomUUID } from 'node:crypto';
import { ensureIndexes, openStore, type Store } from '../../src/store/open-store';
import { testEnv } from '../harness/test-env';

describe('ensureIndexes(store)', () => {
  let stores: Store[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  // Regression: FerretDB v1.24 dropped the connection when one createIndexes call named several
  // existing indexes, so every worker start after the first failed.
  test('succeeds again on a database that has the indexes, and with workers starting together', async () => {
    const database = `test_indexes_${randomUUID().slice(0, 8)}`;
    stores = await Promise.all([1, 2, 3].map(() => openStore(testEnv('mongoUri'), database)));
    await ensureIndexes(stores[0]);
    await ensureIndexes(stores[0]);
    await Promise.all(stores.map((s) => ensureIndexes(s)));
    const names = (await stores[0].events.listIndexes().toArray()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', 'listedAt_id', 'source_eventId', 'source_orderingKey_occurredAt', 'source_type_listedAt', 'status_listedAt']);
    const attemptIndexes = (await stores[0].attempts.listIndexes().toArray()).map((i) => i.name).sort();
    expect(attemptIndexes).toEqual(['_id_', 'workflowId']);
  });

  test('gives listedAt to documents recorded before it existed: receivedAt, a replay its createdAt; processing ones wait', async () => {
    const database = `test_backfill_${randomUUID().slice(0, 8)}`;
    const store = await openStore(testEnv('mongoUri'), database);
    stores.push(store);
    const received = new Date('2024-05-01T10:00:00Z');
    const replayed = new Date('2024-06-01T10:00:00Z');
    const listed = new Date('2024-07-01T10:00:00Z');
    const legacy = (id: string, fields: Record<string, unknown>) =>
      ({ _id: id, source: 'demo', type: 't', receivedAt: received, createdAt: received, status: 'succeeded', ...fields }) as never;
    await store.events.insertMany([
      legacy('demo:a', {}),
      legacy('demo:a#replay-1', { replayOf: 'demo:a', createdAt: replayed }),
      legacy('demo:b', { status: 'processing' }),
      legacy('demo:c', { listedAt: listed }),
    ]);
    await ensureIndexes(store);
    const listedAt = Object.fromEntries((await store.events.find({}).toArray()).map((d) => [d._id, d.listedAt]));
    expect(listedAt).toEqual({ 'demo:a': received, 'demo:a#replay-1': replayed, 'demo:b': undefined, 'demo:c': listed });
  });
});
