import { MongoClient, type Collection, type Db } from 'mongodb';
import type { EventDocument, ResultDocument } from './documents';
import type { NonceDocument } from './nonce-store';

export interface Store {
  readonly client: MongoClient;
  readonly db: Db;
  readonly events: Collection<EventDocument>;
  readonly results: Collection<ResultDocument>;
  readonly nonces: Collection<NonceDocument>;
  close(): Promise<void>;
}

/**
 * Connect to MongoDB. With `lazy`, no connection is made until the first operation, so a
 * receiver can start (and answer 503 where it needs MongoDB) while the database is down.
 */
export async function openStore(uri: string, database: string, { lazy = false } = {}): Promise<Store> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  if (!lazy) await client.connect();
  const db = client.db(database);
  return {
    client,
    db,
    events: db.collection<EventDocument>('events'),
    results: db.collection<ResultDocument>('results'),
    nonces: db.collection<NonceDocument>('nonces'),
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
  await store.nonces.createIndexes([{ key: { expiresAt: 1 }, name: 'expiresAt' }]);
}
