import type { DestinationSettings } from '../config/schema';
import type { DestinationLimits } from '../types/webhook-event';

/** A destination's `rateLimit` and `maxConcurrency` as a plan carries them; none: undefined. */
export function destinationLimits({ rateLimit, maxConcurrency }: Pick<DestinationSettings, 'rateLimit' | 'maxConcurrency'>): DestinationLimits | undefined {
  if (!rateLimit && maxConcurrency === undefined) return undefined;
  return { ...(rateLimit ? { perSecond: rateLimit.perSecond } : {}), ...(maxConcurrency !== undefined ? { maxConcurrency } : {}) };
}
