import type { AlertObservation } from './alert-observation';
import type { AlertConditionInput } from './alert-rule';
import { addToWindow, type Bucket } from './alert-window';

/** What an alert condition's workflow keeps, and carries across continue-as-new. */
export interface AlertState {
  readonly buckets: readonly Bucket[];
  /** State rules: the latest report. */
  readonly reported?: { readonly firing: boolean; readonly value?: number };
  readonly open?: { readonly openedAt: number; readonly lastSentAt: number; readonly seq: number; readonly occurrences: number };
  /** The latest detail reported (the last failure, the pause's reason), for the next notification. */
  readonly detail?: string;
  /** Recent occurrence IDs (a failed event's workflow ID): a retried report is counted once. */
  readonly recentIds: readonly string[];
}

export const EMPTY_ALERT_STATE: AlertState = { buckets: [], recentIds: [] };

/** How many occurrence IDs are remembered: more than a retried report could come after. */
const RECENT_IDS = 500;

/**
 * Fold one observation into the state; `occurred` is how many occurrences it adds (0 for a
 * report of IDs already counted). Pure and deterministic: the workflow runs it.
 *
 * Occurrences enter the window at `receivedAt`, when the condition reads them, not at the
 * observation's `at`: a condition that lags behind its reports (its worker busy or down, its
 * signals queued) would otherwise find a storm still going on already outside the window and
 * resolve it (a CI run resolved a 1 100-report flood after 45), or never open for failures
 * reported while its worker was down.
 */
export function applyObservation(
  state: AlertState,
  observation: AlertObservation,
  input: Pick<AlertConditionInput, 'windowMs'>,
  receivedAt: number,
): { state: AlertState; occurred: number } {
  const detail = observation.detail ? { detail: observation.detail } : {};
  if (observation.kind === 'state') {
    const reported = { firing: observation.firing, ...(observation.value !== undefined ? { value: observation.value } : {}) };
    return { state: { ...state, reported, ...detail }, occurred: observation.firing ? 1 : 0 };
  }
  const fresh = [...new Set(observation.ids ?? [])].filter((id) => !state.recentIds.includes(id));
  const failed = observation.ids ? Math.min(observation.failed, fresh.length) : observation.failed;
  // With IDs, each is one occurrence and one attempt; otherwise `total` (a rate) or the count.
  const total = observation.ids ? failed : (observation.total ?? observation.failed);
  if (failed === 0 && total === 0) return { state, occurred: 0 };
  return {
    state: {
      ...state,
      buckets: addToWindow(state.buckets, input.windowMs, receivedAt, failed, total),
      recentIds: fresh.length > 0 ? [...state.recentIds, ...fresh].slice(-RECENT_IDS) : state.recentIds,
      ...(failed > 0 ? detail : {}),
    },
    occurred: failed,
  };
}
