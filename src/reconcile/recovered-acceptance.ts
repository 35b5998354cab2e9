import type { SourceConfig } from '../config/load-config';
import { parsePayload } from '../providers/payload';
import type { Acceptance } from '../receiver/accept-webhook';
import { buildEvent } from '../receiver/build-event';
import type { RecoveredDelivery } from './provider-listing';

/**
 * A delivery rebuilt from the provider's API, built into an event by the receiver's own
 * buildEvent: the same workflow ID (`<source>:<eventId>`), so a late real delivery of it is a
 * duplicate, and the same refusals of an ID Temporal or the store cannot take (thrown as
 * BadRequestError; the run reports the event failed and starts nothing). It is not verified: it
 * came from the provider's API over TLS, authenticated by our key, which is the proof a
 * signature would give. `secretIndex` is -1: no signing secret verified it.
 */
export function recoveredAcceptance(source: SourceConfig, delivery: RecoveredDelivery, now: Date): Extract<Acceptance, { kind: 'event' }> {
  const req = { rawBody: delivery.rawBody, headers: delivery.headers, url: '', contentType: delivery.contentType, method: 'POST' };
  const payload = parsePayload(req);
  return { kind: 'event', payload, event: buildEvent(source, req, payload, { secretIndex: -1, recoveredBy: 'reconcile' }, now) };
}
