import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { ID_INDEX_DEF, ID_INDEX_TRIGGER, installFerretdbIdIndex } from '../../src/stack/ferretdb-id-index';
import { freePort } from '../../src/stack/free-port';
import { startMongoServer, type RunningMongo } from '../../src/stack/mongo-server';

/**
 * FerretDB v1 over the embedded PostgreSQL asks for a document by `_id` as `_jsonb->'_id' @> …`,
 * which its own B-tree index cannot serve; the stack gives every collection's table a GIN index
 * that can (src/stack/ferretdb-id-index.ts). On a FerretDB and PostgreSQL of this test's own, so
 * it runs whichever MongoDB the shared stack found.
 */
describe("the embedded PostgreSQL's _id index under FerretDB", () => {
  let dir: string;
  let mongo: RunningMongo;
  let client: MongoClient;
  let pg: Client;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-id-index-'));
    mongo = await startMongoServer({ port: await freePort(), dataDir: dir, logFile: path.join(dir, 'ferretdb.log'), log: () => {}, only: 'ferretdb', backend: 'postgresql' });
    client = await new MongoClient(mongo.uri).connect();
    pg = new Client({ connectionString: mongo.postgres!.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await client?.close();
    await mongo?.stop();
    rmSync(dir, { recursive: true, force: true });
    // As root, a cluster in a private temp dir is kept under the relocation root instead
    // (src/stack/postgres-reach.ts): that copy would outlive the run, 47 MB each time.
    if (mongo?.postgres) rmSync(mongo.postgres.dataDir, { recursive: true, force: true });
  });

  /** The GIN indexes on `_jsonb -> '_id'` of the tables behind database `db`'s collection. */
  async function idIndexes(db: string, collection: string): Promise<string[]> {
    const { rows } = await pg.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename LIKE $2 AND indexdef ~ ${ID_INDEX_DEF}`,
      [db, `${collection}\\_%`],
    );
    return rows.map((row) => row.indexname);
  }

  test('a collection FerretDB creates gets the index at once, and FerretDB serves a lookup by _id from it', async () => {
    const events = client.db('shop').collection<{ _id: string; n: number }>('events');
    await events.insertMany(Array.from({ length: 200 }, (_, n) => ({ _id: `demo:evt_${n}`, n })));
    expect(await idIndexes('shop', 'events')).toHaveLength(1);
    // FerretDB's explain shows PostgreSQL's plan for its pushed-down filter.
    const explained = JSON.stringify(await client.db('shop').command({ explain: { find: 'events', filter: { _id: 'demo:evt_7' } } }));
    expect(explained).toMatch(/Bitmap Index Scan/);
    expect(await events.findOne({ _id: 'demo:evt_7' })).toEqual({ _id: 'demo:evt_7', n: 7 });
    expect((await events.updateOne({ _id: 'demo:evt_8', n: 8 }, { $set: { n: 80 } })).modifiedCount).toBe(1);
    // The index is PostgreSQL's alone: MongoDB's clients see only FerretDB's own.
    expect((await events.indexes()).map((index) => index.name)).toEqual(['_id_']);
  });

  test("a cluster's tables without it (made before the trigger) get it on the next start; a second install changes nothing", async () => {
    const attempts = client.db('shop').collection<{ _id: string }>('attempts');
    await attempts.insertOne({ _id: 'a/1' });
    const [name] = await idIndexes('shop', 'attempts');
    await pg.query(`DROP INDEX shop."${name}"`);
    expect(await idIndexes('shop', 'attempts')).toHaveLength(0);
    expect(await installFerretdbIdIndex(mongo.postgres!.url)).toEqual({ indexed: 1 });
    expect(await idIndexes('shop', 'attempts')).toHaveLength(1);
    expect(await installFerretdbIdIndex(mongo.postgres!.url)).toEqual({ indexed: 0 });
    expect((await pg.query('SELECT 1 FROM pg_event_trigger WHERE evtname = $1', [ID_INDEX_TRIGGER])).rowCount).toBe(1);
  });

  test('dropping a collection or a database through MongoDB leaves nothing behind', async () => {
    const tmp = client.db('scratch').collection('things');
    await tmp.insertOne({ _id: 'x' } as never);
    expect(await idIndexes('scratch', 'things')).toHaveLength(1);
    await tmp.drop();
    expect(await idIndexes('scratch', 'things')).toHaveLength(0);
    await client.db('scratch').collection('again').insertOne({ _id: 'y' } as never);
    await client.db('scratch').dropDatabase();
    expect((await pg.query(`SELECT 1 FROM pg_indexes WHERE schemaname = 'scratch'`)).rowCount).toBe(0);
  });
});
