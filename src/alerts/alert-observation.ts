/** The signal an alert condition's workflow takes (workflows/alert-condition.ts). */
export const ALERT_OBSERVE_SIGNAL = 'alertObserve';

/** What a condition's workflow is told: occurrences to count, or the condition's state now. */
export type AlertObservation =
  | {
      readonly kind: 'count';
      /** Epoch ms of the occurrences; the window counts them from when the condition receives them (alert-state.ts). */
      readonly at: number;
      /** Occurrences (failures, 401s); for a rate rule, the failed attempts among `total`. */
      readonly failed: number;
      readonly total?: number;
      /** Each occurrence's ID (a failed event's workflow ID), so a retried report counts once. */
      readonly ids?: readonly string[];
      readonly detail?: string;
    }
  | { readonly kind: 'state'; readonly at: number; readonly firing: boolean; readonly value?: number; readonly detail?: string };
