import type { Collection } from 'mongodb';

/** `nonces`: a provider's single-use token, bound to the workflow it first arrived with. */
export interface NonceDocument {
  _id: string;
  workflowId: string;
  expiresAt: Date;
}

export interface NonceStore {
  /**
   * Bind `key` to `workflowId` unless it is bound already. True when the key is new or already
   * bound to this same workflow (a redelivery of the same event), false when it belongs to another.
   */
  claim(key: string, workflowId: string, expiresAt: Date): Promise<boolean>;
  /** Forget nonces past their replay window. FerretDB v1 has no TTL indexes, so this runs on a timer. */
  purgeExpired(now: Date): Promise<number>;
}

export function createNonceStore(nonces: Collection<NonceDocument>): NonceStore {
  return {
    async claim(key, workflowId, expiresAt) {
      // The upsert is atomic on _id: of two concurrent claims one inserts, the other matches it.
      await nonces.updateOne({ _id: key }, { $setOnInsert: { workflowId, expiresAt } }, { upsert: true }).catch((error) => {
        if ((error as { code?: number }).code !== 11000) throw error; // lost an insert race: read below
      });
      const bound = await nonces.findOne({ _id: key });
      return bound?.workflowId === workflowId;
    },
    async purgeExpired(now) {
      const { deletedCount } = await nonces.deleteMany({ expiresAt: { $lt: now } });
      return deletedCount;
    },
  };
}
