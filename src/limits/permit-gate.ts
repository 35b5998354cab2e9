import { CancellationScope, condition, getExternalWorkflowHandle, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ActionPlan, ForwardActionPlan } from '../types/webhook-event';
import type { LimitActivities } from './create-limit-activities';
import { permitsWorkflowId } from './limit-names';
import { permitGrantedSignal, releasePermitSignal } from './permit-signals';

/** No retry limit: while Temporal is unreachable the ask waits, as the action would. */
const asks = proxyLocalActivities<LimitActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * Ask again after waiting this long: asking is idempotent (one token), and a permits workflow
 * that ended or lost its state (terminated by hand) then learns of the ask again.
 */
const REASK = '5 minutes';

export type WithPermit = <T>(action: ActionPlan, run: () => Promise<T>) => Promise<T>;

/**
 * For a workflow (call once, at its start): `withPermit(action, run)` runs `run` at once unless
 * the action is a forward to a destination with `maxConcurrency`; then only while holding one of
 * its permits (src/limits/destination-permits.ts). The wait is in the workflow, before the
 * activity is scheduled: no attempt is made and none of the action's timeouts runs meanwhile. The
 * permit is held until the action settles, across its retries, so a retrying destination has no
 * more requests in flight than the limit either.
 */
export function permitGate(): WithPermit {
  const granted = new Set<string>();
  setHandler(permitGrantedSignal, (token: string) => void granted.add(token));
  // Not an async function: an action without a limit (the default path) runs with no promise of
  // the gate's own, since each promise a workflow makes costs a captured stack trace.
  return (action, run) => {
    const limit = action.kind === 'forward' ? action.limits?.maxConcurrency : undefined;
    if (action.kind !== 'forward' || !limit) return run();
    return withPermitOf(granted, action, limit, run);
  };
}

/** Ask for a permit of the action's destination, run while holding it, then give it back. */
async function withPermitOf<T>(granted: Set<string>, action: ForwardActionPlan, limit: number, run: () => Promise<T>): Promise<T> {
  const { workflowId, runId, taskQueue } = workflowInfo();
  const request = { token: `${workflowId}/${runId}/${action.name}`, workflowId, runId, limit };
  const permits = permitsWorkflowId(taskQueue, action.destination);
  try {
    do {
      await asks.askPermit({ permitsWorkflowId: permits, taskQueue, destination: action.destination, request });
    } while (!(await condition(() => granted.has(request.token), REASK)));
    return await run();
  } finally {
    // Also when cancelled while waiting (the ask leaves the queue) or holding. Awaited: a
    // signal left pending when the run completes is never sent (tried: the permit leaked). A
    // permits workflow that is gone has nothing to free.
    await CancellationScope.nonCancellable(() => getExternalWorkflowHandle(permits).signal(releasePermitSignal, request.token)).catch(() => undefined);
  }
}
