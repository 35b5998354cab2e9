import { condition, continueAsNew, defineSignal, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BreakerActivities } from '../activities/create-breaker-activities';
import { BREAKER_ATTEMPT_SIGNAL, BREAKER_OPERATOR_SIGNAL, type BreakerAttempt, type BreakerInput } from '../src/breaker/breaker-input';
import { countFailures } from '../src/breaker/count-failures';

export const breakerAttemptSignal = defineSignal<[BreakerAttempt]>(BREAKER_ATTEMPT_SIGNAL);
export const breakerOperatorSignal = defineSignal(BREAKER_OPERATOR_SIGNAL);

/** Local activities: a breaker's steps never wait in the task queue behind the forwards it is judging. */
const breaker = proxyLocalActivities<BreakerActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** How often an open breaker with a manual resume looks whether an operator resumed it (besides their signal). */
const MANUAL_POLL_MS = 30_000;
const SIGNALS_PER_RUN = 1_000;

export interface BreakerState {
  /** When each failure in the current run of failures ended (epoch ms). */
  readonly failures: readonly number[];
  readonly lastError?: string;
  /** Set while the breaker holds the destination paused. */
  readonly openSince?: number;
}

/**
 * A destination's circuit breaker (issue #13), one workflow per destination: the only writer of
 * its counters and of the pause it sets, told of each forward attempt by the worker that made it.
 * After `failures` failed attempts in a row within `withinMs` it pauses the destination (the
 * operator's durable pause: new forwards are held) and raises `destination.paused`. After each
 * cool-down it sends one probe request; a 2xx resumes the destination and drains what was held.
 * An operator's resume closes it as well. Idle, it ends; the next attempt starts it again.
 */
export async function destinationBreaker(input: BreakerInput, carried?: BreakerState): Promise<void> {
  let state: BreakerState = carried ?? { failures: [] };
  const inbox: BreakerAttempt[] = [];
  setHandler(breakerAttemptSignal, (attempt) => void inbox.push(attempt));
  let operatorActed = false;
  setHandler(breakerOperatorSignal, () => void (operatorActed = true));
  let received = 0;
  for (;;) {
    if (received >= SIGNALS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      const pending = inbox.splice(0);
      const carry = state.openSince === undefined ? countFailures(state.failures, pending, input.withinMs, Date.now()) : state.failures;
      return continueAsNew<typeof destinationBreaker>(input, { ...state, failures: carry });
    }
    if (state.openSince === undefined) {
      const attempts = inbox.splice(0);
      received += attempts.length;
      const lastError = [...attempts].reverse().find((a) => !a.ok)?.error ?? state.lastError;
      state = { failures: countFailures(state.failures, attempts, input.withinMs, Date.now()), ...(lastError ? { lastError } : {}) };
      if (state.failures.length >= input.failures) {
        const reason = `circuit breaker: ${state.failures.length} forward attempts in a row failed within ${input.withinMs} ms${state.lastError ? ` (last: ${state.lastError})` : ''}`;
        // Not tripped when an operator's pause already holds the destination: theirs to resume.
        const { tripped } = await breaker.tripBreaker({ destination: input.destination, reason });
        state = tripped ? { failures: [], openSince: Date.now(), ...(state.lastError ? { lastError: state.lastError } : {}) } : { failures: [] };
        operatorActed = false;
        continue;
      }
      if (state.failures.length === 0 && inbox.length === 0) return;
    } else {
      // Attempts that were already retrying when it opened: they say nothing new.
      received += inbox.splice(0).length;
      // The cool-down, cut short when an operator pauses or resumes the destination.
      await condition(() => operatorActed, input.coolDownMs ?? MANUAL_POLL_MS);
      const acted = operatorActed;
      operatorActed = false;
      const holder = await breaker.readBreakerPause({ destination: input.destination });
      if (holder !== 'breaker') {
        // Resumed by an operator: the alert resolves (if the resume did not say so already). Paused
        // again by an operator: the pause, and its alert, are theirs now. Either way the breaker
        // lets go and counts afresh.
        if (holder === 'none') await breaker.closeBreaker({ destination: input.destination, resume: false, detail: 'resumed by an operator' });
        state = { failures: [] };
        continue;
      }
      if (input.coolDownMs === null || acted) continue;
      const probe = await breaker.probeDestination({ destination: input.destination });
      if (probe.ok) {
        await breaker.closeBreaker({ destination: input.destination, resume: true, detail: `a probe succeeded (${probe.status})` });
        state = { failures: [] };
        inbox.splice(0);
        continue;
      }
      state = { ...state, lastError: `probe: ${probe.error}` };
      continue;
    }
    // Wait for the next attempt, or until the oldest failure falls out of the window.
    const expires = state.failures[0]! + input.withinMs - Date.now();
    await condition(() => inbox.length > 0, Math.max(1, expires));
  }
}
