import type { AlertConditionInput } from './alert-rule';
import type { AlertPhase } from './alert-notification';

function span(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

export interface SummaryFacts {
  readonly phase: AlertPhase;
  readonly failed: number;
  readonly total: number;
  readonly occurrences: number;
  readonly detail?: string;
}

/** One line for a notification, by rule kind; deterministic (the alert workflow builds it). */
export function alertSummary(input: AlertConditionInput, facts: SummaryFacts): string {
  const { subject, windowMs } = input;
  const detail = facts.detail ? ` (last: ${facts.detail})` : '';
  if (facts.phase === 'resolved') {
    switch (input.on) {
      case 'destination.paused':
        return `destination ${subject} is no longer paused${detail}`;
      case 'backlog.high':
        return `the backlog of task queue ${subject} is below ${input.threshold} again${detail}`;
      default:
        return `${input.on} on ${subject} cleared: ${facts.failed} in the last ${span(windowMs)}, ${facts.occurrences} in all while open`;
    }
  }
  switch (input.on) {
    case 'event.failed':
      return `${facts.failed} event(s) of source ${subject} failed in the last ${span(windowMs)}${detail}`;
    case 'signatures.failing':
      return `${facts.failed} signature failure(s) (401) on source ${subject} in the last ${span(windowMs)}`;
    case 'destination.failing':
      return `${Math.round((100 * facts.failed) / Math.max(1, facts.total))}% of ${facts.total} forward attempts to ${subject} failed in the last ${span(windowMs)}${detail}`;
    case 'destination.paused':
      return `destination ${subject} is paused${detail}`;
    case 'backlog.high':
      return `task queue ${subject} has ${facts.failed} task(s) waiting for a worker (threshold ${input.threshold})`;
  }
}
