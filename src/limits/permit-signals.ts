import { defineSignal } from '@temporalio/workflow';

/** Who asks for a permit: one action of one run, so a retried event's new run asks afresh. */
export interface PermitRequest {
  /** `<workflowId>/<runId>/<action name>`: asking twice with one token is asking once. */
  readonly token: string;
  readonly workflowId: string;
  readonly runId: string;
  /** The destination's maxConcurrency in the asker's plan; the latest ask sets the permits workflow's. */
  readonly limit: number;
}

/** Sent (with start) to a destination's permits workflow by an action that wants to run. */
export const acquirePermitSignal = defineSignal<[PermitRequest]>('acquirePermit');
/** Sent to the permits workflow when the action settled, or gave up waiting (cancelled). */
export const releasePermitSignal = defineSignal<[string]>('releasePermit');
/** Sent back by the permits workflow to the asking run: the token may go. */
export const permitGrantedSignal = defineSignal<[string]>('permitGranted');
