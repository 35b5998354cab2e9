import type { CircuitBreakerSettings } from './breaker-schema';

/** The signal a destination's breaker takes: one forward attempt's outcome. */
export const BREAKER_ATTEMPT_SIGNAL = 'breakerAttempt';

/** The signal an operator's pause or resume of the destination sends it, so it looks at once. */
export const BREAKER_OPERATOR_SIGNAL = 'breakerOperator';

export interface BreakerAttempt {
  readonly ok: boolean;
  /** Epoch ms when the attempt ended. */
  readonly at: number;
  readonly error?: string;
}

/** What a breaker workflow is started with: its destination's settings, never a URL or secret. */
export interface BreakerInput {
  readonly destination: string;
  readonly failures: number;
  readonly withinMs: number;
  /** null: resume is left to an operator. */
  readonly coolDownMs: number | null;
}

export function breakerInput(destination: string, settings: CircuitBreakerSettings): BreakerInput {
  return {
    destination,
    failures: settings.failures,
    withinMs: settings.within,
    coolDownMs: settings.coolDown === 'manual' ? null : settings.coolDown,
  };
}

/** One breaker per destination and task queue: the only writer of its counters and its pause. */
export function breakerWorkflowId(taskQueue: string, destination: string): string {
  return `${taskQueue}/breaker/${destination}`;
}
