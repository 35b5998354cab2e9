import type { EventDocument } from '../store/documents';
import type { ProcessingPlan } from '../types/webhook-event';

/**
 * A retry's plan: only the actions that have not succeeded. An action whose record says
 * `succeeded` (from the event's last run) is kept, record and result, and not run again, so a
 * forward is not delivered twice and a handler's side effect does not happen twice (issue #16).
 * Actions are matched by name (`handler:<name>`, `forward:<destination>`, `#n`); an action new
 * in the config has no record and runs. A replay runs everything: it does not use this.
 */
export function retryPlan(plan: ProcessingPlan, records: EventDocument['actions'] | undefined): ProcessingPlan {
  const succeeded = (name: string) => records?.[name]?.status === 'succeeded';
  const kept = plan.actions.filter((action) => succeeded(action.name)).map((action) => action.name);
  if (kept.length === 0) return plan;
  return { ...plan, actions: plan.actions.filter((action) => !succeeded(action.name)), kept };
}
