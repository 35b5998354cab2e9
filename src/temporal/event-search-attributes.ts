import type { SearchAttributePair } from '@temporalio/common';
import type { WebhookEvent } from '../types/webhook-event';
import { keywordValue } from './keyword-value';
import { EVENT_ID, EVENT_TYPE, SOURCE } from './search-attributes';

/**
 * What makes an event's workflow findable in the Temporal UI: the receiver's starts, replays and
 * the ordering queue's children all use it. Each value is cut to what a Keyword may hold, or
 * Temporal would refuse the signed event on every delivery (issue #6): the type is unbounded, and
 * even an event ID within its 400 bytes can escape past the limit in JSON (`\u0000` is 6 bytes).
 * The event itself keeps every value whole. Free of Node APIs, so workflows can use it.
 */
export function eventSearchAttributes(event: WebhookEvent): SearchAttributePair[] {
  return [
    { key: SOURCE, value: keywordValue(event.source) },
    { key: EVENT_TYPE, value: keywordValue(event.type) },
    { key: EVENT_ID, value: keywordValue(event.eventId) },
  ];
}
