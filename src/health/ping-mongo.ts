import type { Db } from 'mongodb';

/**
 * `ping` is answered by any member without touching data. The driver (v7) has no per-operation
 * timeout (it ignores `timeoutMS`), so the caller bounds the wait, as createReadiness does.
 */
export function pingMongo(db: Db): Promise<unknown> {
  return db.command({ ping: 1 });
}
