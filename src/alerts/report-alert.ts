import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ALERT_OBSERVE_SIGNAL, type AlertObservation } from './alert-observation';
import { alertWorkflowId, conditionInput, watches, type AlertKind, type AlertRule } from './alert-rule';

export interface AlertTarget {
  readonly client: Client;
  readonly taskQueue: string;
  readonly rules: readonly AlertRule[];
}

/**
 * Tell every rule of this kind that watches the subject. A report that something went wrong
 * starts the condition's workflow if it is not running (signalWithStart, one round trip); a
 * report that all is well (a success, a clear state) only signals a running one, so a healthy
 * system starts nothing.
 */
export async function reportAlert(target: AlertTarget, on: AlertKind, subject: string, observation: AlertObservation): Promise<void> {
  const rules = target.rules.filter((rule) => rule.on === on && watches(rule, subject));
  // A success only counts toward a rate already being watched: a healthy destination starts nothing.
  const starts = observation.kind === 'count' ? observation.failed > 0 : observation.firing;
  await Promise.all(
    rules.map(async (rule) => {
      const workflowId = alertWorkflowId(target.taskQueue, rule.name, subject);
      if (starts) {
        await target.client.workflow.signalWithStart('alertCondition', {
          workflowId,
          taskQueue: target.taskQueue,
          args: [conditionInput(rule, subject)],
          signal: ALERT_OBSERVE_SIGNAL,
          signalArgs: [observation],
        });
        return;
      }
      try {
        await target.client.workflow.getHandle(workflowId).signal(ALERT_OBSERVE_SIGNAL, observation);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }),
  );
}

/** Whether any rule of this kind watches the subject: a feed with nothing to tell costs nothing. */
export function anyRule(rules: readonly AlertRule[], on: AlertKind, subject: string): boolean {
  return rules.some((rule) => rule.on === on && watches(rule, subject));
}
