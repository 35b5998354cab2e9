import type { ActionPlan, ActionStatus, EventStatus } from '../types/webhook-event';

/** A status an event ends in, as the activities write it. */
export type FinalEventStatus = Extract<EventStatus, 'succeeded' | 'failed' | 'cancelled' | 'ignored' | 'stale'>;

/** How one attempt of an action ended: the status its record gets (`retrying`: Temporal will try again). */
export type AttemptOutcome = Extract<ActionStatus, 'succeeded' | 'retrying' | 'failed' | 'cancelled'>;

/**
 * What the activities report, injected so they stay free of any metrics library (and tests may
 * leave it out). Called after the corresponding MongoDB write, by the worker that made it.
 */
export interface ActivityMetrics {
  eventFinished(status: FinalEventStatus): void;
  actionAttempt(kind: ActionPlan['kind'], outcome: AttemptOutcome, attempt: number, seconds: number): void;
}
