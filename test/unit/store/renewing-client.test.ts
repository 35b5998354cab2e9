import { MongoNetworkError, MongoServerSelectionError, type MongoClient } from 'mongodb';
import { renewingClient } from '../../../src/store/renewing-client';

/** A stand-in client whose ping succeeds or throws what it is told; records connect and close. */
function fakeClient(ping: () => Promise<unknown>) {
  const calls = { connect: 0, close: 0, ping: 0 };
  const client = {
    connect: async () => void calls.connect++,
    close: async () => void calls.close++,
    db: () => ({ command: () => (calls.ping++, ping()) }),
  } as unknown as MongoClient;
  return { client, calls };
}

const selectionFailure = () => Promise.reject(new MongoServerSelectionError('connection 1 to 127.0.0.1:1 closed', {} as never));

describe('renewingClient', () => {
  test('keeps a client that reaches its server', async () => {
    const first = fakeClient(async () => ({ ok: 1 }));
    const create = jest.fn(() => first.client);
    const renewing = renewingClient({ create, checkEveryMs: 60_000 });
    await renewing.check();
    expect(renewing.current()).toBe(first.client);
    expect(create).toHaveBeenCalledTimes(1);
    await renewing.close();
  });

  test('replaces a client stuck in server selection when a new one reaches the server', async () => {
    const stuck = fakeClient(selectionFailure);
    const fresh = fakeClient(async () => ({ ok: 1 }));
    const created = [stuck, fresh];
    const onRenewed = jest.fn();
    const renewing = renewingClient({ create: () => created.shift()!.client, checkEveryMs: 60_000, onRenewed });
    await renewing.check();
    expect(renewing.current()).toBe(fresh.client);
    expect(stuck.calls.close).toBe(1);
    expect(fresh.calls.connect).toBe(1);
    expect(onRenewed).toHaveBeenCalledTimes(1);
    await renewing.close();
  });

  test('during a real outage, when a new client cannot connect either, keeps the client and closes the new one', async () => {
    const current = fakeClient(selectionFailure);
    const probe = fakeClient(selectionFailure);
    const created = [current, probe];
    const renewing = renewingClient({ create: () => created.shift()!.client, checkEveryMs: 60_000 });
    await renewing.check();
    expect(renewing.current()).toBe(current.client);
    expect({ probeClosed: probe.calls.close, currentClosed: current.calls.close }).toEqual({ probeClosed: 1, currentClosed: 0 });
    await renewing.close();
  });

  test('other errors (a refused command, a dropped connection) are not a stuck client', async () => {
    const current = fakeClient(() => Promise.reject(new MongoNetworkError('connection reset')));
    const create = jest.fn(() => current.client);
    const renewing = renewingClient({ create, checkEveryMs: 60_000 });
    await renewing.check();
    expect(create).toHaveBeenCalledTimes(1);
    await renewing.close();
  });

  test('checks run one at a time', async () => {
    let release!: () => void;
    const first = fakeClient(() => new Promise((resolve) => (release = () => resolve({ ok: 1 }))));
    const renewing = renewingClient({ create: () => first.client, checkEveryMs: 60_000 });
    const a = renewing.check();
    const b = renewing.check();
    release();
    await Promise.all([a, b]);
    expect(first.calls.ping).toBe(1);
    await renewing.close();
  });
});
