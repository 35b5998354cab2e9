import type { EventStatus } from '../types/webhook-event';
import type { RunInfo } from './describe-run';

const RETRYABLE_RUNS = new Set<RunInfo['status']>(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);
const RETRYABLE_DOCS = new Set<EventStatus>(['failed', 'cancelled', 'terminated']);

/**
 * Why an event may not be retried, or undefined when it may. Temporal decides where it knows the
 * workflow: a run that failed, was terminated, cancelled or timed out may run again under its ID
 * (reuse policy ALLOW_DUPLICATE_FAILED_ONLY). Where Temporal no longer knows it (past retention),
 * the document decides; one still `processing` then runs nowhere, so it may be retried too.
 */
export function whyNotRetryable(run: Pick<RunInfo, 'status'> | undefined, docStatus: EventStatus): string | undefined {
  if (run) {
    if (RETRYABLE_RUNS.has(run.status)) return undefined;
    if (run.status === 'RUNNING') return 'it is still running';
    if (run.status === 'COMPLETED') return `it completed (${docStatus}); replay it to run it again`;
    return `its workflow is ${run.status}`;
  }
  if (RETRYABLE_DOCS.has(docStatus) || docStatus === 'processing' || docStatus === 'scheduled' || docStatus === 'held') return undefined;
  return `it is ${docStatus}; replay it to run it again`;
}
