import type { ControlDocument } from '../controls/control-document';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import type { AttemptDocument } from './attempt-records';
import type { BodyDocument, EventDocument } from './documents';
import type { NonceDocument } from './nonce-store';
import { backfillListedAt } from './backfill-listed-at';
import { renewingClient } from './renewing-client';

export interface Store {
  /** The client in use now: it is replaced if it gets stuck (see renewing-client.ts). */
  readonly client: MongoClient;
  readonly db: Db;
  readonly events: Collection<EventDocument>;
  readonly bodies: Collection<BodyDocument>;
  readonly nonces: Collection<NonceDocument>;
  /** Paused destinations and sources (src/controls/). */
  readonly controls: Collection<ControlDocument>;
  /** Action attempts that did not succeed, one document each (attempt-records.ts). */
  readonly attempts: Collection<AttemptDocument>;
  close(): Promise<void>;
}

/**
 * Connect to MongoDB. With `lazy`, no connection is made until the first operation, so a
 * receiver can start (and answer 503 where it needs MongoDB) while the database is down.
 * The database and collections given out follow the current client, so they keep working
 * after a stuck client has been replaced.
 */
export async function openStore(
  uri: string,
  database: string,
  {
    lazy = false,
    monitorCommands = false,
    onRenewed,
  }: { lazy?: boolean; monitorCommands?: boolean; onRenewed?: (reason: string) => void } = {},
): Promise<Store> {
  const renewing = renewingClient({
    // Every operation settles, whatever happens to the server: waiting for a pooled connection
    // and waiting for a reply are both bounded (the driver's defaults wait forever).
    create: () =>
      new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, waitQueueTimeoutMS: 10_000, socketTimeoutMS: 30_000, monitorCommands }),
    ...(onRenewed ? { onRenewed } : {}),
  });
  if (!lazy) await renewing.current().connect();
  // The Db and Collection objects of the current client, made once per client: every property
  // read through the proxies below asks for them, and making them afresh each time (options
  // resolved, objects allocated) cost the receiver a measurable share of its CPU per request.
  let made: { client: MongoClient; db: Db; collections: Map<string, Collection<Document>> } | undefined;
  const current = () => {
    const client = renewing.current();
    if (made?.client !== client) made = { client, db: client.db(database), collections: new Map() };
    return made;
  };
  const collection = <T extends Document>(name: string) => () => {
    const { db, collections } = current();
    let found = collections.get(name);
    if (!found) collections.set(name, (found = db.collection(name)));
    return found as unknown as Collection<T>;
  };
  return {
    get client() {
      return renewing.current();
    },
    db: following(() => current().db),
    events: following(collection<EventDocument>('events')),
    bodies: following(collection<BodyDocument>('bodies')),
    nonces: following(collection<NonceDocument>('nonces')),
    controls: following(collection<ControlDocument>('controls')),
    attempts: following(collection<AttemptDocument>('attempts')),
    close: () => renewing.close(),
  };
}

/** An object that forwards every property to what `current()` returns at the time of the call. */
function following<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const target = current();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Indexes for the operator queries (by source/type/status and time) and the stale check. */
const INDEXES: { collection: 'events' | 'nonces' | 'attempts'; key: Record<string, 1 | -1>; name: string }[] = [
  { collection: 'events', key: { source: 1, eventId: 1 }, name: 'source_eventId' },
  // The admin API's unfiltered list, newest first, paged by (listedAt, _id).
  { collection: 'events', key: { listedAt: -1, _id: -1 }, name: 'listedAt_id' },
  { collection: 'events', key: { status: 1, listedAt: -1 }, name: 'status_listedAt' },
  { collection: 'events', key: { source: 1, type: 1, listedAt: -1 }, name: 'source_type_listedAt' },
  // The stale check of ordered routes: the newest event processed for a key.
  { collection: 'events', key: { source: 1, orderingKey: 1, occurredAt: -1 }, name: 'source_orderingKey_occurredAt' },
  { collection: 'nonces', key: { expiresAt: 1 }, name: 'expiresAt' },
  // An event's attempt records: the admin API's detail and the retention purge find them by it.
  { collection: 'attempts', key: { workflowId: 1 }, name: 'workflowId' },
];

/**
 * Create the indexes, at every worker start: creating an existing index is a no-op. Only plain
 * and compound indexes, which FerretDB v1 supports. One index per call: FerretDB v1.24 panics
 * and drops the connection on a createIndexes that names several indexes which already exist,
 * so with one call for all of them every start after the first failed.
 */
export async function ensureIndexes(store: Store): Promise<void> {
  for (const { collection, key, name } of INDEXES) await store[collection].createIndex(key, { name });
  await backfillListedAt(store.events);
}
