import type { SourceConfig } from '../config/load-config';
import { parsePayload } from '../providers/payload';
import type { Acceptance } from '../receiver/accept-webhook';
import type { RecoveredDelivery } from './provider-listing';

/** Credentials of any provider; never stored (as in accept-webhook.ts). */
const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * A delivery rebuilt from the provider's API, identified by the provider's own `identify` as a
 * real delivery would be, so it gets the same workflow ID (`<source>:<eventId>`) and a late real
 * delivery of it is a duplicate. It is not verified: it came from the provider's API over TLS,
 * authenticated by our key, which is the proof a signature would give. `secretIndex` is -1: no
 * signing secret verified it.
 */
export function recoveredAcceptance(source: SourceConfig, delivery: RecoveredDelivery, now: Date): Extract<Acceptance, { kind: 'event' }> {
  const { provider, settings } = source;
  const req = { rawBody: delivery.rawBody, headers: delivery.headers, url: '', contentType: delivery.contentType, method: 'POST' };
  const payload = parsePayload(req);
  const identity = provider.identify(req, payload, settings);
  const hidden = new Set([...ALWAYS_SECRET, ...provider.secretHeaders(settings.options)]);
  const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([name]) => !hidden.has(name)));
  return {
    kind: 'event',
    payload,
    event: {
      workflowId: `${source.name}:${identity.id}`,
      source: source.name,
      provider: provider.name,
      eventId: identity.id,
      type: identity.type,
      ...(identity.occurredAt && !Number.isNaN(identity.occurredAt.getTime()) ? { occurredAt: identity.occurredAt.toISOString() } : {}),
      receivedAt: now.toISOString(),
      contentType: delivery.contentType,
      headers,
      secretIndex: -1,
      recoveredBy: 'reconcile',
    },
  };
}
