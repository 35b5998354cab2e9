import type { Collection, Db } from 'mongodb';

/** `hook_secrets`: a secret a provider handed over at its handshake (Asana's X-Hook-Secret), per source. */
export interface HookSecretDocument {
  /** The source name. */
  _id: string;
  secret: string;
  storedAt: Date;
}

export interface HookSecrets {
  /** The stored secret of `source`, if any. */
  get(source: string): Promise<string | undefined>;
  /**
   * Store `secret` unless another is stored already: the first handshake wins, so a stranger's
   * later handshake cannot swap in a secret of its own. True when `secret` is the stored one.
   */
  claim(source: string, secret: string, now: Date): Promise<boolean>;
}

export function hookSecrets(db: Db): HookSecrets {
  const collection: Collection<HookSecretDocument> = db.collection<HookSecretDocument>('hook_secrets');
  return {
    async get(source) {
      return (await collection.findOne({ _id: source }))?.secret;
    },
    async claim(source, secret, now) {
      // An upsert is atomic on _id: of two concurrent handshakes, one inserts and both read it back.
      await collection.updateOne({ _id: source }, { $setOnInsert: { secret, storedAt: now } }, { upsert: true }).catch((error) => {
        if ((error as { code?: number }).code !== 11000) throw error;
      });
      return (await collection.findOne({ _id: source }))?.secret === secret;
    },
  };
}
