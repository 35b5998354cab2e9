import { Client, Connection, type ClientInterceptors } from '@temporalio/client';

/**
 * A client whose connection is made lazily: the receiver starts, and answers 503, even while
 * Temporal is unreachable, and recovers by itself once it is back. `interceptors`: the tracing
 * ones, when on (src/telemetry/client-interceptors.ts).
 */
export function createTemporalClient(address: string, namespace: string, interceptors?: ClientInterceptors): Client {
  const connection = Connection.lazy({ address });
  return new Client({ connection, namespace, ...(interceptors ? { interceptors } : {}) });
}
