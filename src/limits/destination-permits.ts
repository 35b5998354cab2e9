import { condition, continueAsNew, getExternalWorkflowHandle, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LimitActivities } from './create-limit-activities';
import { acquirePermitSignal, permitGrantedSignal, releasePermitSignal, type PermitRequest } from './permit-signals';

export interface PermitsState {
  readonly destination: string;
  readonly limit: number;
  /** Carried over a continue-as-new. */
  readonly holders?: readonly PermitRequest[];
  readonly waiting?: readonly PermitRequest[];
}

/** With nobody holding or waiting this long, the workflow ends; the next ask starts it again. */
const IDLE = '1 minute';
/**
 * With askers waiting and no permit freed for this long, check that every holder's run is still
 * open: a run terminated while holding never releases, and its permit goes back. One describe
 * per holder each time, and only while the destination is saturated and nothing settles.
 */
const RECLAIM_AFTER = '20 seconds';
/** Each permit costs about 6 history events; a run continues as new long before Temporal's 50 000. */
const HISTORY_LIMIT = 5_000;
/**
 * Asks queued at most. The queue is carried over a continue-as-new in one payload (about 250
 * bytes an ask) and Temporal refuses payloads over 2 MB, so an ask beyond this is not queued:
 * its asker asks again after its re-ask interval (permit-gate.ts), as it would had the ask been lost.
 */
export const MAX_WAITING = 4_000;

const checks = proxyLocalActivities<LimitActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

/**
 * A destination's `maxConcurrency` across every worker (issue #13): a counting semaphore, after
 * Temporal's mutex sample. An action asks with `acquirePermit` (signal-with-start), waits for
 * `permitGranted`, runs, and sends `releasePermit` when it has settled. Asks are granted in
 * arrival order. One workflow is the only keeper of the count, so no two workers can both take
 * the last permit, and nothing here is a shared document updated concurrently (FerretDB v1 loses
 * such updates). The cost: two signals and a grant per forward, through one workflow.
 */
export async function destinationPermits(state: PermitsState): Promise<void> {
  let limit = state.limit;
  const holders = new Map((state.holders ?? []).map((h) => [h.token, h]));
  const waiting: PermitRequest[] = [...(state.waiting ?? [])];
  const queued = new Set(waiting.map((w) => w.token));
  let sending = 0;

  const grant = (request: PermitRequest) => {
    holders.set(request.token, request);
    sending++;
    getExternalWorkflowHandle(request.workflowId, request.runId)
      .signal(permitGrantedSignal, request.token)
      // The run has ended (cancelled, terminated, timed out) before it could be told: free the permit.
      .catch(() => void holders.delete(request.token))
      .finally(() => sending--);
  };
  setHandler(acquirePermitSignal, (request) => {
    limit = request.limit;
    // Asked again (the asker's periodic re-ask, or a retried local activity): one ask, but a
    // holder is told again in case it never heard.
    if (holders.has(request.token)) grant(request);
    else if (waiting.length < MAX_WAITING && !queued.has(request.token)) {
      waiting.push(request);
      queued.add(request.token);
    }
  });
  setHandler(releasePermitSignal, (token) => {
    holders.delete(token);
    if (queued.delete(token)) waiting.splice(waiting.findIndex((w) => w.token === token), 1);
  });

  for (;;) {
    while (holders.size < limit && waiting.length > 0) {
      const next = waiting.shift()!;
      queued.delete(next.token);
      grant(next);
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_LIMIT) {
      // Grants in flight are commands of this run: let them land first. Signals arriving
      // meanwhile make Temporal refuse the completion and hand them to this run first.
      await condition(() => sending === 0);
      await continueAsNew<typeof destinationPermits>({ destination: state.destination, limit, holders: [...holders.values()], waiting });
    }
    const idle = () => holders.size === 0 && waiting.length === 0 && sending === 0;
    const progressed = await condition(() => holders.size < limit && waiting.length > 0, idle() ? IDLE : RECLAIM_AFTER);
    if (progressed) continue;
    if (idle()) return;
    if (waiting.length > 0 && holders.size >= limit) {
      // A failed check is tried again after the next wait: it must never end this workflow.
      const closed = await checks.closedRuns([...holders.values()]).catch(() => []);
      for (const token of closed) holders.delete(token);
    }
  }
}
