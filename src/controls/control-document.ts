/** What can be paused: a destination (its forwards hold) or a source (its events' processing holds). */
export type ControlKind = 'destination' | 'source';

/**
 * `controls`: one document per paused or resumed destination or source, `_id` = its key. Kept in
 * MongoDB, so a pause outlives every worker, receiver and Temporal restart.
 */
export interface ControlDocument {
  _id: string;
  kind: ControlKind;
  name: string;
  paused: boolean;
  reason?: string;
  /** `breaker`: set by the destination's circuit breaker (src/breaker/), which may lift it; absent: an operator's. */
  by?: 'breaker';
  updatedAt: Date;
}

/** The signal a held event waits on; its argument is the control key resumed. */
export const RESUME_SIGNAL = 'resume';

/** `destination-<name>` or `source-<name>`: names have no `.` or `$`, so a key is a field name too. */
export function controlKey(kind: ControlKind, name: string): string {
  return `${kind}-${name}`;
}
