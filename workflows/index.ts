// The worker bundles this file: only workflow code (deterministic, no I/O) may be exported here.
export { processWebhook, type ProcessWebhookResult } from './process-webhook';
export { sequenceEvents, type SequenceEventsInput } from './sequence-events';
export { purgeEvents, type PurgeEventsResult } from './purge-events';
export { reconcileEvents } from './reconcile-events';
export { destinationPermits } from '../src/limits/destination-permits';
export { alertCondition } from './alert-condition';
export { destinationBreaker } from './destination-breaker';
export { checkBacklog } from './check-backlog';
