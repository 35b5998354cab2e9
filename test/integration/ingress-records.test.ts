import { randomUUID } from 'node:crypto';
import type { CommandStartedEvent } from 'mongodb';
import { ingressRecords } from '../../src/receiver/ingress-records';
import type { EventDocument } from '../../src/store/documents';
import { openStore, type Store } from '../../src/store/open-store';
import { testEnv } from '../harness/test-env';

/**
 * The receiver's record operations, batched across concurrent requests (issue #10), against the
 * real MongoDB-protocol server: a batch's collisions and inserts come back to the right request,
 * and the batch is one command.
 */
describe("the receiver's batched record operations", () => {
  let store: Store;
  const commands: CommandStartedEvent[] = [];

  beforeAll(async () => {
    store = await openStore(testEnv('mongoUri'), `test_ingress_${randomUUID().slice(0, 8)}`, { monitorCommands: true });
    store.client.on('commandStarted', (event) => commands.push(event));
  });
  afterAll(async () => {
    await store.db.dropDatabase();
    await store.close();
  });

  const record = (id: string) => ({ _id: id, status: 'processing', source: 'demo', type: 'order.paid' }) as unknown as EventDocument;

  test('inserts made during one go as one unordered insertMany; each learns whether its own record was new', async () => {
    const records = ingressRecords(store.db);
    await store.events.insertOne(record('demo:old'));
    const from = commands.length;
    // The first goes alone; the four made while it is in flight go together, one of them a
    // redelivery of a stored event and two of them the same event twice.
    const outcomes = await Promise.all(['demo:a', 'demo:b', 'demo:old', 'demo:c', 'demo:c'].map((id) => records.insert(record(id))));
    expect(outcomes).toEqual(['inserted', 'inserted', 'exists', 'inserted', 'exists']);
    const inserts = commands.slice(from).filter((c) => c.commandName === 'insert');
    expect(inserts.map((c) => (c.command.documents as unknown[]).length)).toEqual([1, 4]);
    expect((await store.events.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id).sort()).toEqual(['demo:a', 'demo:b', 'demo:c', 'demo:old']);
  });

  test('pause reads made during one go as one read of every key asked; each learns only its own keys', async () => {
    const records = ingressRecords(store.db);
    await store.controls.insertMany([
      { _id: 'destination-crm', kind: 'destination', name: 'crm', paused: true, updatedAt: new Date() },
      { _id: 'source-shop', kind: 'source', name: 'shop', paused: true, updatedAt: new Date() },
      { _id: 'destination-erp', kind: 'destination', name: 'erp', paused: false, updatedAt: new Date() },
    ]);
    const from = commands.length;
    const answers = await Promise.all([
      records.pausedKeys(['source-demo']),
      records.pausedKeys(['source-demo', 'destination-crm']),
      records.pausedKeys(['source-shop', 'destination-erp']),
      records.pausedKeys([]),
    ]);
    expect(answers).toEqual([[], ['destination-crm'], ['source-shop'], []]);
    expect(commands.slice(from).filter((c) => c.commandName === 'find' && c.command.find === 'controls')).toHaveLength(2);
  });

  test('an insert the server refuses fails its own call, and the next batch runs', async () => {
    const records = ingressRecords(store.db);
    // A document MongoDB refuses as a whole command: a key that starts with `$`.
    const bad = { ...record('demo:bad'), $bad: 1 } as unknown as EventDocument;
    const [first, second] = await Promise.allSettled([records.insert(record('demo:d')), records.insert(bad)]);
    expect(first).toEqual({ status: 'fulfilled', value: 'inserted' });
    expect(second.status).toBe('rejected');
    await expect(records.insert(record('demo:e'))).resolves.toBe('inserted');
  });
});
