import { eventSearchAttributes } from '../../../src/temporal/event-search-attributes';
import { EVENT_ID, EVENT_TYPE, SOURCE } from '../../../src/temporal/search-attributes';
import type { WebhookEvent } from '../../../src/types/webhook-event';

function event(type: string, eventId = 'evt_1'): WebhookEvent {
  return {
    workflowId: `stripe:${eventId}`,
    source: 'stripe',
    provider: 'stripe',
    eventId,
    type,
    receivedAt: '2025-01-01T00:00:00.000Z',
    contentType: 'application/json',
    headers: {},
    secretIndex: 0,
    body: { kind: 'inline', payload: {}, rawBase64: '' },
  };
}

describe('eventSearchAttributes(event)', () => {
  test('sets the source, type and event ID as they are', () => {
    expect(eventSearchAttributes(event('invoice.paid'))).toEqual([
      { key: SOURCE, value: 'stripe' },
      { key: EVENT_TYPE, value: 'invoice.paid' },
      { key: EVENT_ID, value: 'evt_1' },
    ]);
  });

  test('issue #6: a type longer than 2 KiB is cut for the search attribute; the event keeps it whole', () => {
    const long = event('t'.repeat(5_000));
    const type = eventSearchAttributes(long).find((a) => a.key === EVENT_TYPE)!.value as string;
    expect(type).toBe('t'.repeat(2_046));
    expect(long.type).toHaveLength(5_000);
  });

  test('an event ID that escapes past the limit in JSON (400 NULs: 2 402 bytes) is cut too', () => {
    const id = eventSearchAttributes(event('x', '\u0000'.repeat(400))).find((a) => a.key === EVENT_ID)!.value as string;
    expect(id).toBe('\u0000'.repeat(341));
  });
});
