/**
 * Your handlers. Each route action `{ "handler": "<name>" }` runs the function of that name as a
 * Temporal activity: retried with backoff, bounded by timeouts, its result recorded in MongoDB.
 * Make side effects idempotent with `context.idempotencyKey`.
 */
import type { Handlers } from '../src/handlers/types';

export const handlers: Handlers = {
  /** Logs the event and succeeds: the sample route's action. */
  log: (event, context) => {
    console.log(
      JSON.stringify({ msg: 'handled event', workflowId: event.workflowId, type: event.type, attempt: context.attempt }),
    );
    return { logged: true };
  },
};
