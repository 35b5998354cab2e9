import type { Db } from 'mongodb';
import { ingressRecords } from '../../../src/receiver/ingress-records';
import type { EventDocument } from '../../../src/store/documents';

describe('ingressRecords follows the store’s current client', () => {
  test('a batch after the client was replaced goes to the new client’s collection, not the one current when the receiver started', async () => {
    const inserted: string[] = [];
    let client = 'first';
    // The store's `db` is a proxy over the current client (src/store/open-store.ts); this stands in for it.
    const db = {
      collection: () => {
        const owner = client;
        return { insertMany: async (docs: EventDocument[]) => void inserted.push(...docs.map((doc) => `${owner}:${doc._id}`)) };
      },
    } as unknown as Db;
    const records = ingressRecords(db);
    await records.insert({ _id: 'demo:a' } as EventDocument);
    client = 'renewed';
    await records.insert({ _id: 'demo:b' } as EventDocument);
    expect(inserted).toEqual(['first:demo:a', 'renewed:demo:b']);
  });
});
