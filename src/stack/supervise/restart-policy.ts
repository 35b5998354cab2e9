/** How the embedded stack restarts a process of its own that exited (issue #17). */
export interface RestartPolicy {
  /** The wait before the first restart; each further restart in a row waits twice as long ... */
  readonly initialDelayMs: number;
  /** ... up to this. */
  readonly maxDelayMs: number;
  /** A run that was healthy this long starts the backoff over: the exit is a new incident. */
  readonly resetAfterMs: number;
  /** A run that never became healthy, or ended this soon after it started, failed "at once". */
  readonly quickFailureMs: number;
  /**
   * This many failures at once in a row stop the stack: a bad config or a port taken does not
   * heal by restarting, so looping forever would only hide it.
   */
  readonly maxQuickFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  quickFailureMs: 10_000,
  maxQuickFailures: 5,
};

/** What the supervisor remembers of a process between its runs. */
export interface RestartState {
  /** Restarts since the backoff last started over: the next delay doubles with each. */
  readonly restartsInRow: number;
  /** Runs in a row that failed at once. */
  readonly quickFailures: number;
}

export const INITIAL_RESTART_STATE: RestartState = { restartsInRow: 0, quickFailures: 0 };

/** One run of a process, in milliseconds on one clock. */
export interface RunTimes {
  readonly startedAt: number;
  /** When it was first seen healthy; undefined if it never was. */
  readonly readyAt?: number;
  readonly exitedAt: number;
}

export type RestartDecision =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly state: RestartState }
  | { readonly kind: 'give-up'; readonly state: RestartState };

/** Whether a run failed at once: it never served, or it ended within `quickFailureMs` of its start. */
export function failedAtOnce(run: RunTimes, policy: RestartPolicy = DEFAULT_RESTART_POLICY): boolean {
  return run.readyAt === undefined || run.exitedAt - run.startedAt < policy.quickFailureMs;
}

/**
 * After a process exited unexpectedly: restart it after a delay (1 s doubling to 30 s by
 * default, back to 1 s once a run stayed healthy a minute), or give up after
 * `maxQuickFailures` runs in a row that failed at once.
 */
export function planRestart(state: RestartState, run: RunTimes, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  const healthyFor = run.readyAt === undefined ? 0 : run.exitedAt - run.readyAt;
  const inRow = healthyFor >= policy.resetAfterMs ? 0 : state.restartsInRow;
  const quickFailures = failedAtOnce(run, policy) ? state.quickFailures + 1 : 0;
  if (quickFailures >= policy.maxQuickFailures) return { kind: 'give-up', state: { restartsInRow: inRow, quickFailures } };
  // 2 ** inRow overflows to Infinity long after the cap applies; min() keeps it finite.
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(inRow, 30));
  return { kind: 'restart', delayMs, state: { restartsInRow: inRow + 1, quickFailures } };
}
