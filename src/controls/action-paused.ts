/**
 * A retry that found its source or destination paused makes no attempt and fails with this type
 * (not retried); the workflow then holds the action until resumed (issue #13). Shared by the
 * activity that throws it and the workflow that catches it, so it is data, not activity code.
 */
export const ACTION_PAUSED = 'ActionPaused';

/** An ActionPaused failure's details: the attempts made before it, and the paused control keys. */
export interface PausedDetails {
  readonly attempt: number;
  readonly paused: readonly string[];
}
