import type { AlertKind } from './alerts-schema';

export type { AlertKind } from './alerts-schema';

/**
 * How a condition is judged from what it is told (src/alerts/alert-window.ts):
 * `count`, occurrences within a window reach a threshold (event.failed, signatures.failing);
 * `rate`, the failed share of attempts within a window (destination.failing);
 * `state`, the latest report says firing or clear (destination.paused, backlog.high).
 */
export type AlertMode = 'count' | 'rate' | 'state';

export type AlertChannel = 'slack' | 'webhook';

/**
 * A rule as the worker holds it, its `env:` references resolved. The URLs and secrets stay on
 * the workers: an alert workflow's input carries only AlertConditionInput.
 */
export interface AlertRule {
  readonly name: string;
  readonly on: AlertKind;
  readonly mode: AlertMode;
  /** Which sources (event.failed, signatures.failing) or destinations it watches; absent: all. */
  readonly subjects?: readonly string[];
  readonly threshold?: number;
  readonly windowMs?: number;
  readonly rate?: number;
  readonly resolveRate?: number;
  readonly minAttempts?: number;
  readonly checkEveryMs?: number;
  readonly repeatEveryMs: number;
  readonly slack?: string;
  readonly webhook?: { readonly url: string; readonly secrets: readonly string[]; readonly timeoutMs: number };
}

/** What an alert workflow is started with: the rule's judgement, never a URL or secret. */
export interface AlertConditionInput {
  readonly rule: string;
  readonly on: AlertKind;
  /** The source, destination or task queue the condition is about. */
  readonly subject: string;
  readonly mode: AlertMode;
  readonly threshold: number;
  readonly windowMs: number;
  readonly rate: number;
  /** An open `rate` alert resolves below this share (absent in inputs of older runs: `rate`). */
  readonly resolveRate?: number;
  readonly minAttempts: number;
  readonly repeatEveryMs: number;
  readonly channels: readonly AlertChannel[];
}

/** Without a `resolveRate`, an open `rate` alert resolves once the share is below this part of `rate`. */
export const DEFAULT_RESOLVE_SHARE = 0.8;

export function conditionInput(rule: AlertRule, subject: string): AlertConditionInput {
  return {
    rule: rule.name,
    on: rule.on,
    subject,
    mode: rule.mode,
    threshold: rule.threshold ?? 1,
    windowMs: rule.windowMs ?? 300_000,
    rate: rule.rate ?? 0.5,
    resolveRate: rule.resolveRate ?? DEFAULT_RESOLVE_SHARE * (rule.rate ?? 0.5),
    minAttempts: rule.minAttempts ?? 1,
    repeatEveryMs: rule.repeatEveryMs,
    channels: [...(rule.slack ? (['slack'] as const) : []), ...(rule.webhook ? (['webhook'] as const) : [])],
  };
}

/** Whether the rule watches this source or destination. */
export function watches(rule: AlertRule, subject: string): boolean {
  return !rule.subjects || rule.subjects.includes(subject);
}

/**
 * One workflow per rule and subject, the single writer of that condition's state. Prefixed by
 * the task queue, like the schedules, so deployments sharing a namespace keep their own.
 */
export function alertWorkflowId(taskQueue: string, rule: string, subject: string): string {
  return `${taskQueue}/alert/${rule}/${subject}`;
}
