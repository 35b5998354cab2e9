import { createHash } from 'node:crypto';
import { Binary, type Collection } from 'mongodb';
import type { ClaimedBody } from '../types/webhook-event';
import type { BodyDocument } from './documents';

export interface BodyStore {
  /** Store the bytes (idempotently: the ID is their hash) and return the claim check. */
  put(rawBody: Buffer): Promise<ClaimedBody>;
  /** The bytes a claim check refers to; throws when they are not stored. */
  get(id: string): Promise<Buffer>;
}

export class BodyMissingError extends Error {
  constructor(id: string) {
    super(`claim-checked body ${id} is not in the bodies collection`);
    this.name = 'BodyMissingError';
  }
}

export function createBodyStore(bodies: Collection<BodyDocument>): BodyStore {
  return {
    async put(rawBody) {
      const id = createHash('sha256').update(rawBody).digest('hex');
      // Content-addressed: a redelivery, or another event with the same bytes, writes nothing new.
      await bodies
        .updateOne(
          { _id: id },
          // storedAt: a body stored again now is in use, whatever the purge finds (src/retention/).
          { $setOnInsert: { rawBody: new Binary(rawBody), bytes: rawBody.length, createdAt: new Date() }, $set: { storedAt: new Date() } },
          { upsert: true },
        )
        .catch((error) => {
          if ((error as { code?: number }).code !== 11000) throw error; // a concurrent insert of the same bytes won
        });
      return { kind: 'claim', id, bytes: rawBody.length };
    },
    async get(id) {
      const doc = await bodies.findOne({ _id: id });
      if (!doc) throw new BodyMissingError(id);
      return Buffer.from(doc.rawBody.buffer);
    },
  };
}
