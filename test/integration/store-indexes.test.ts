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
    expect(names).toEqual(['_id_', 'receivedAt_id', 'source_eventId', 'source_orderingKey_occurredAt', 'source_type_receivedAt', 'status_receivedAt']);
  });
});
