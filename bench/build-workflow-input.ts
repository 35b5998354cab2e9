import type { HookflowConfig } from '../src/config/load-config';
import { acceptWebhook } from '../src/receiver/accept-webhook';
import { resolvePlan } from '../src/routing/resolve-plan';
import type { ProcessWebhookInput } from '../src/types/webhook-event';
import { signedEvent, type BenchEventType } from './signed-event';

/**
 * The workflow input the receiver would start for a fresh signed event: built by hookflow's own
 * acceptWebhook and resolvePlan from the same bytes and headers autocannon sends, so (b) and the
 * (d) baseline carry exactly the input size (c) and (d) do.
 */
export function buildWorkflowInput(config: HookflowConfig, type: BenchEventType, url: string): ProcessWebhookInput {
  const source = config.sources.get('bench')!;
  const { body, headers } = signedEvent(type);
  const host = new URL(url).host;
  const request = {
    rawBody: body,
    headers: { host, connection: 'keep-alive', 'content-length': String(body.length), ...headers },
    url,
    contentType: 'application/json',
  };
  const now = new Date();
  const accepted = acceptWebhook(source, request, now);
  if (accepted.kind !== 'event') throw new Error('the bench event was answered as a handshake');
  const plan = resolvePlan(config, source.name, accepted.event.type, accepted.payload);
  return {
    event: { ...accepted.event, body: { kind: 'inline', payload: accepted.payload, rawBase64: body.toString('base64') } },
    plan,
  };
}
