import type { Collection } from 'mongodb';
import { ConflictError } from '../admin/admin-errors';
import { NotFoundError } from '../errors/http-errors';
import type { BodyStore } from '../store/body-store';
import type { EventDocument } from '../store/documents';

/** The request body exactly as the provider sent it, inline or claim-checked, with its type. */
export async function rawBody(deps: { events: Collection<EventDocument>; bodies: BodyStore }, id: string): Promise<{ bytes: Buffer; contentType: string }> {
  const doc = await deps.events.findOne({ _id: id }, { projection: { rawBody: 1, bodyId: 1, contentType: 1, purgedAt: 1 } });
  if (!doc) throw new NotFoundError(`no event ${JSON.stringify(id)}`);
  if (doc.purgedAt) throw new ConflictError(`the retention policy purged the body of ${id} on ${doc.purgedAt.toISOString()}`);
  const bytes = doc.bodyId !== undefined ? await deps.bodies.get(doc.bodyId) : doc.rawBody ? Buffer.from(doc.rawBody.buffer) : undefined;
  if (!bytes) throw new ConflictError(`event ${id} has no stored body`);
  return { bytes, contentType: doc.contentType || 'application/octet-stream' };
}
