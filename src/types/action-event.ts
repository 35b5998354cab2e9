import type { ClaimedBody, InlineBody, WebhookEvent } from './webhook-event';

/**
 * What an action gets: the event as the workflow received it, without its raw bytes (handlers
 * and forwards see the parsed payload, or read a claim-checked body themselves), so an action
 * needs no read of the event document, and the bytes are not copied into each action's history.
 */
export type ActionEvent = Omit<WebhookEvent, 'body'> & { readonly body: Omit<InlineBody, 'rawBase64'> | ClaimedBody };

export function actionEvent(event: WebhookEvent): ActionEvent {
  return { ...event, body: event.body.kind === 'inline' ? { kind: 'inline', payload: event.body.payload } : event.body };
}
