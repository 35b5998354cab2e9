import { Client, Connection } from '@temporalio/client';

/**
 * A client whose connection is made lazily: the receiver starts, and answers 503, even while
 * Temporal is unreachable, and recovers by itself once it is back.
 */
export function createTemporalClient(address: string, namespace: string): Client {
  const connection = Connection.lazy({ address });
  return new Client({ connection, namespace });
}
