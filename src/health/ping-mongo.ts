import type { Db } from 'mongodb';

/** `ping` is answered by any member without touching data; `timeoutMS` bounds server selection too. */
export function pingMongo(db: Db, timeoutMs: number): Promise<unknown> {
  return db.command({ ping: 1 }, { timeoutMS: timeoutMs });
}
