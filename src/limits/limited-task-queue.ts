import type { ActionPlan } from '../types/webhook-event';
import { destinationTaskQueue } from './limit-names';

/**
 * Where an action's activity is scheduled: a forward to a limited destination on that
 * destination's own task queue, whose rate limit Temporal enforces across all its pollers;
 * anything else on the workflow's (undefined). Being another queue than the workflow's also
 * keeps Temporal from handing the activity eagerly to the worker that scheduled it, which
 * would bypass the queue's rate limit.
 */
export function limitedTaskQueue(action: ActionPlan, workflowTaskQueue: string): string | undefined {
  return action.kind === 'forward' && action.limits ? destinationTaskQueue(workflowTaskQueue, action.destination) : undefined;
}
