import type { SourceConfig } from '../config/load-config';
import { BadRequestError } from '../errors/http-errors';
import type { Payload, WebhookRequest } from '../providers/types';
import type { WebhookEvent } from '../types/webhook-event';

/**
 * Temporal refuses a workflow ID over 1000 bytes of UTF-8 (`limit.maxIDLength`), on every
 * delivery. An event's ID is `<source>:<eventId>` and a replay's adds `#replay-<n>`; with source
 * names of at most 64 characters, 400 bytes leaves room for both. No provider's IDs come near it.
 */
export const MAX_EVENT_ID_BYTES = 400;

/** Headers that carry credentials for any provider; never stored. */
const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie'];

/** How the event was proven: the signing secret that verified it, or the reconciliation that fetched it. */
export type EventOrigin = { readonly secretIndex: number } | { readonly secretIndex: -1; readonly recoveredBy: 'reconcile' };

/**
 * The event a verified delivery (acceptWebhook) or a recovered one (src/reconcile/) carries: the
 * provider's own `identify`, so both get the same workflow ID `<source>:<eventId>`, and the
 * same refusals of an ID or type that Temporal or the store could never take. One function, so
 * the two paths cannot drift apart. Throws BadRequestError (the receiver answers 400; a
 * reconciliation reports the event failed).
 */
export function buildEvent(source: SourceConfig, req: WebhookRequest, payload: Payload, origin: EventOrigin, now: Date): Omit<WebhookEvent, 'body'> {
  const { provider, settings } = source;
  const identity = provider.identify(req, payload, settings);
  if (!identity.id) throw new BadRequestError('the request carries no event ID');
  const problem = eventIdProblem(identity.id);
  if (problem) throw new BadRequestError(problem);
  if (identity.type.includes('\0')) throw new BadRequestError('event type contains a NUL character (U+0000)');
  const hidden = new Set([...ALWAYS_SECRET, ...provider.secretHeaders(settings.options)]);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !hidden.has(name))) as Record<string, string>;
  return {
    workflowId: `${source.name}:${identity.id}`,
    source: source.name,
    provider: provider.name,
    eventId: identity.id,
    type: identity.type,
    ...(identity.occurredAt && !Number.isNaN(identity.occurredAt.getTime()) ? { occurredAt: identity.occurredAt.toISOString() } : {}),
    receivedAt: now.toISOString(),
    contentType: req.contentType,
    headers,
    ...origin,
  };
}

/**
 * Why an event ID cannot name a workflow, or undefined when it can. gRPC carries workflow IDs as
 * UTF-8 strings: an ID Temporal can never take is refused once rather than answered 503 on every
 * delivery (issue #6). The event type needs no such check: it reaches Temporal only inside JSON
 * payloads (workflow input, search attribute), where JSON.stringify escapes a lone surrogate,
 * and the search attribute is cut to its size limit (src/temporal/keyword-value.ts).
 */
export function eventIdProblem(id: string): string | undefined {
  // A lone surrogate (a JSON body's "\ud800") has no UTF-8 form: Temporal would fail to decode
  // the request. IDs from headers are read as latin1 and are always well formed.
  if (!id.isWellFormed()) return 'event ID is not valid Unicode (it contains a lone UTF-16 surrogate), so it cannot name a workflow';
  // No provider sends one, and the event's record could not hold it (FerretDB over PostgreSQL
  // stores no U+0000 in a string): refused once rather than acknowledged and never recorded.
  if (id.includes('\0')) return 'event ID contains a NUL character (U+0000)';
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_EVENT_ID_BYTES) return `event ID is ${bytes} bytes long in UTF-8; the limit is ${MAX_EVENT_ID_BYTES} bytes`;
  return undefined;
}
