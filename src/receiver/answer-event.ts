import type { Context } from 'koa';
import type { SourceConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import type { Payload } from '../providers/types';
import type { StartOutcome } from '../temporal/start-processing';
import type { ProcessWebhookInput } from '../types/webhook-event';
import { sendReply } from './answer-handshake';

/**
 * Step 8: answer once Temporal holds the event. By default 200 with hookflow's JSON; a provider
 * that expects a specific answer gets it (Adyen's `[accepted]`, Graph's 202, Discord's 204).
 */
export function answerEvent(
  ctx: Context,
  source: SourceConfig,
  { event, plan }: ProcessWebhookInput,
  outcome: StartOutcome,
  payload: Payload,
  logger: Logger,
): void {
  const { workflowId } = event;
  const reply = source.provider.answer?.({ outcome, workflowId }, payload);
  if (reply) sendReply(ctx, reply);
  else {
    ctx.status = 200;
    ctx.body = { status: outcome, workflowId };
  }
  ctx.state.answered = outcome;
  logger.info(
    { workflowId, source: source.name, type: event.type, outcome, ...(plan.ordering ? { orderingKey: plan.ordering.key } : {}) },
    `event ${outcome}`,
  );
}
