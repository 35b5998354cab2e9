import type { HookflowConfig } from '../config/load-config';
import { parseBody } from '../providers/payload';
import { matchesEventType, resolvePlan } from '../routing/resolve-plan';
import { BodyMissingError, type BodyStore } from '../store/body-store';
import type { EventDocument } from '../store/documents';
import type { ProcessingPlan } from '../types/webhook-event';
import { ConflictError } from './admin-errors';
import { decodeStoredHeaders } from './to-webhook-event';

/**
 * The plan for running a stored event again, resolved from the config in force NOW, as the
 * receiver would for a new delivery: routes, retry settings and forward URLs changed since the
 * event arrived apply to its retry or replay. `unordered` (replays) drops the ordering, so the
 * run starts at once and is never judged stale.
 */
export async function planForEvent(
  config: Pick<HookflowConfig, 'routes' | 'retry' | 'destinations'>,
  doc: EventDocument,
  bodies: BodyStore,
  { unordered }: { unordered: boolean },
): Promise<ProcessingPlan> {
  // The payload matters only for an ordering key or a filter; a claim-checked body is read only then.
  const candidates = config.routes.filter((route) => route.source === doc.source && route.events.some((p) => matchesEventType(p, doc.type)));
  const needsPayload = candidates.some((route) => route.filter || (!unordered && route.orderingKey));
  // Filters see the stored body and headers. The query string is not stored: a `query`
  // condition finds no parameter on a retry or replay.
  const plan = resolvePlan(config, doc.source, doc.type, needsPayload ? await storedPayload(doc, bodies) : undefined, {
    headers: decodeStoredHeaders(doc.headers ?? {}),
    query: {},
  });
  return unordered ? { actions: plan.actions, ...(plan.refused ? { refused: plan.refused } : {}) } : plan;
}

async function storedPayload(doc: EventDocument, bodies: BodyStore): Promise<unknown> {
  if (doc.bodyId === undefined) return doc.payloadJson === undefined ? doc.payload : JSON.parse(doc.payloadJson);
  try {
    return parseBody(doc.contentType, await bodies.get(doc.bodyId));
  } catch (error) {
    if (error instanceof BodyMissingError) throw new ConflictError(`event ${doc._id}: ${error.message}`);
    throw error;
  }
}

