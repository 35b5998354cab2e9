import { MongoServerSelectionError, type MongoClient } from 'mongodb';

export interface RenewingClientOptions {
  /** A new, unconnected client for the same deployment. */
  readonly create: () => MongoClient;
  /** How often the current client is checked. */
  readonly checkEveryMs?: number;
  /** Told when the client was replaced (for the log). */
  readonly onRenewed?: (reason: string) => void;
}

export interface RenewingClient {
  /** The client to use now; take it per operation, never keep it. */
  current(): MongoClient;
  /** One check: renew the client if it cannot reach a server that a new client can. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A MongoDB client that replaces itself when it is stuck. After a MongoDB restart under load, a
 * worker's client was seen never to find the server again (every operation failing server
 * selection with the error of the connection the restart had closed) while a new client
 * connected at once; all the events that worker held stayed unprocessed. So every
 * `checkEveryMs` the current client pings; if it cannot select a server, a new client tries, and
 * if the new one can, it takes over and the old one is closed. During a real outage both fail
 * and nothing changes.
 */
export function renewingClient({ create, checkEveryMs = 10_000, onRenewed }: RenewingClientOptions): RenewingClient {
  let client = create();
  let checking: Promise<void> | undefined;
  let closed = false;

  async function checkOnce(): Promise<void> {
    const stuck = client;
    try {
      await stuck.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (!(error instanceof MongoServerSelectionError)) return;
    }
    const fresh = create();
    try {
      await fresh.connect();
      await fresh.db('admin').command({ ping: 1 });
    } catch {
      await fresh.close(true).catch(() => undefined);
      return; // MongoDB is down for everyone: wait for it with the client we have
    }
    if (closed || client !== stuck) {
      await fresh.close(true).catch(() => undefined);
      return;
    }
    client = fresh;
    onRenewed?.('the client could not select a server that a new client reached at once');
    // Operations still running on the old client fail and are retried on the new one.
    await stuck.close(true).catch(() => undefined);
  }

  const check = () => (checking ??= checkOnce().finally(() => (checking = undefined)));
  const timer = setInterval(() => void check(), checkEveryMs);
  timer.unref(); // never what keeps a process alive

  return {
    current: () => client,
    check,
    async close() {
      closed = true;
      clearInterval(timer);
      await checking;
      await client.close();
    },
  };
}
