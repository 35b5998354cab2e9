import { resolveConfig, type SourceConfig } from '../../src/config/load-config';
import type { HandshakeReply, WebhookRequest } from '../../src/providers/types';
import { acceptWebhook } from '../../src/receiver/accept-webhook';

/** One source `s` of the given config, resolved as at load (presets checked, secrets read). */
export function source(config: Record<string, unknown>): SourceConfig {
  return resolveConfig({ sources: { s: config } }, '/virtual/hookflow.config.json').sources.get('s')!;
}

/** A request to source `s` as the receiver hands it to a provider: header names lower-cased. */
export function req(headers: Record<string, string>, body: string | Buffer, extra: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    url: 'https://hooks.example.com/webhooks/s',
    contentType: 'application/json',
    method: 'POST',
    ...extra,
  };
}

/** The handshake reply the receiver gives; fails the test if the request is taken as an event. */
export function handshake(s: SourceConfig, r: WebhookRequest, now = new Date()): HandshakeReply {
  const accepted = acceptWebhook(s, r, now);
  if (accepted.kind !== 'handshake') throw new Error(`expected a handshake, got event ${accepted.event.workflowId}`);
  return accepted.reply;
}

/** The accepted event; fails the test if the request is answered as a handshake. */
export function acceptedEvent(s: SourceConfig, r: WebhookRequest, now = new Date()) {
  const accepted = acceptWebhook(s, r, now);
  if (accepted.kind !== 'event') throw new Error('expected an event, got a handshake');
  return accepted;
}
