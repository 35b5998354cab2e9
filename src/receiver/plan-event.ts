import type { HookflowConfig, SourceConfig } from '../config/load-config';
import { ServiceUnavailableError } from '../errors/http-errors';
import type { Logger } from '../logging/logger';
import type { FilterInput } from '../filters/route-filter';
import { resolvePlan } from '../routing/resolve-plan';
import type { BodyStore } from '../store/body-store';
import type { NonceStore } from '../store/nonce-store';
import type { EventBody, ProcessWebhookInput } from '../types/webhook-event';
import type { Acceptance } from './accept-webhook';
import { claimNonce } from './claim-nonce';

/**
 * Step 5: everything the start needs. A provider's single-use token is bound to this event
 * (Mailgun), a large body is claim-checked into MongoDB, and the routes (their event types and
 * filters, over the body, the stored headers and `query`) decide the plan.
 */
export async function planEvent(
  { config, nonces, bodies, logger }: { config: HookflowConfig; nonces: NonceStore; bodies: BodyStore; logger: Logger },
  source: SourceConfig,
  accepted: Extract<Acceptance, { kind: 'event' }>,
  rawBody: Buffer,
  received: Date,
  query: FilterInput['query'] = {},
): Promise<ProcessWebhookInput> {
  const { workflowId } = accepted.event;
  const retryAfter = config.server.retryAfterSeconds;
  if (accepted.nonce !== undefined) {
    const { toleranceSeconds } = source.settings;
    await claimNonce(nonces, source.name, accepted.nonce, workflowId, toleranceSeconds, received, retryAfter, logger);
  }
  let body: EventBody;
  if (rawBody.length > config.server.claimCheckBytes) {
    try {
      body = await bodies.put(rawBody);
    } catch (error) {
      logger.error({ err: error, workflowId, source: source.name }, 'cannot store the large body; answering 503');
      throw new ServiceUnavailableError('the event could not be durably accepted; retry later', retryAfter);
    }
  } else {
    body = { kind: 'inline', payload: accepted.payload, rawBase64: rawBody.toString('base64') };
  }
  const event = { ...accepted.event, body };
  return { event, plan: resolvePlan(config, source.name, event.type, accepted.payload, { headers: event.headers, query }) };
}
