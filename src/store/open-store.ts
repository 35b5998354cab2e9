import { MongoClient, type Collection, type Db } from 'mongodb';
import type { EventDocument, ResultDocument } from './documents';

export interface Store {
  readonly client: MongoClient;
  readonly db: Db;
  readonly events: Collection<EventDocument>;
  readonly results: Collection<ResultDocument>;
  close(): Promise<void>;
}

export async function openStore(uri: string, database: string): Promise<Store> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const db = client.db(database);
  return {
    client,
    db,
    events: db.collection<EventDocument>('events'),
    results: db.collection<ResultDocument>('results'),
    close: () => client.close(),
  };
}

/**
 * Indexes for the operator queries (by source/type/status and time). Created at worker start;
 * createIndexes is idempotent. Only plain and unique indexes: FerretDB v1 supports both.
 */
export async function ensureIndexes(store: Store): Promise<void> {
  await store.events.createIndexes([
    { key: { source: 1, eventId: 1 }, name: 'source_eventId' },
    { key: { status: 1, receivedAt: -1 }, name: 'status_receivedAt' },
    { key: { source: 1, type: 1, receivedAt: -1 }, name: 'source_type_receivedAt' },
  ]);
  await store.results.createIndexes([{ key: { workflowId: 1 }, name: 'workflowId' }]);
}
