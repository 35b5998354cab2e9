import type { StartOutcome } from '../temporal/start-processing';

/** How the receiver answered one delivery to a configured source: the `outcome` label. */
export type DeliveryOutcome = StartOutcome | 'handshake' | 'rejected' | 'unavailable' | 'error';

/**
 * Classify an answer. `answered` is what the route decided for a 2xx (a started workflow, a
 * duplicate, a provider handshake); errors are told apart by status alone: a 503 means hookflow
 * could not acknowledge durably (the provider retries), other 5xx are bugs, 4xx are the sender's.
 */
export function deliveryOutcome(status: number, answered?: StartOutcome | 'handshake'): DeliveryOutcome {
  if (status >= 200 && status < 300) return answered ?? 'accepted';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'error';
  return 'rejected';
}
