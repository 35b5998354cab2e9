import type { WebhookEvent } from '../types/webhook-event';

/** Temporal's UI shows the summary on one line in its list; keep it readable there. */
const SUMMARY_MAX_CHARS = 200;

export interface EventMetadata {
  readonly staticSummary: string;
  readonly staticDetails: string;
}

/**
 * What the Temporal UI shows for an event's workflow (user metadata, issue #14): the summary
 * `<source> <type> <eventId>` in its list, and the details (Temporal markdown) on its page, so
 * the list reads as webhooks, not as `processWebhook` rows. The receiver's starts, replays and the
 * ordering queue's children all use it. Free of Node APIs, so workflows can use it.
 */
export function eventMetadata(event: WebhookEvent): EventMetadata {
  const summary = oneLine(`${event.source} ${event.type} ${event.eventId}`);
  const details = [
    `**source** ${event.source} (${event.provider})`,
    `**type** ${event.type}`,
    `**event ID** ${event.eventId}`,
    `**received** ${event.receivedAt}`,
    ...(event.occurredAt ? [`**occurred** ${event.occurredAt}`] : []),
    ...(event.replayOf ? [`**replay of** ${event.replayOf}${event.replayedAt ? ` (made ${event.replayedAt})` : ''}`] : []),
    ...(event.recoveredBy ? [`**recovered by** ${event.recoveredBy}`] : []),
  ];
  return { staticSummary: summary, staticDetails: details.map(oneLine).join('\n\n') };
}

/** Provider-chosen strings may hold line breaks; the summary must stay a single line. */
function oneLine(text: string): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length > SUMMARY_MAX_CHARS ? `${flat.slice(0, SUMMARY_MAX_CHARS - 1)}…` : flat;
}
