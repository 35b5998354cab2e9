import { Binary } from 'mongodb';
import { ConflictError } from '../../../src/admin/admin-errors';
import { decodeStoredHeaders, toWebhookEvent } from '../../../src/admin/to-webhook-event';
import type { EventDocument } from '../../../src/store/documents';
import { storableHeaders } from '../../../src/store/storable';

const raw = Buffer.from('{"id":"e1","type":"order.paid","data":{"a.b":1}}');

function doc(overrides: Partial<EventDocument> = {}): EventDocument {
  return {
    _id: 'demo:e1',
    source: 'demo',
    provider: 'hmac',
    eventId: 'e1',
    type: 'order.paid',
    occurredAt: new Date('2024-05-01T09:00:00Z'),
    receivedAt: new Date('2024-05-01T10:00:00.123Z'),
    contentType: 'application/json',
    headers: storableHeaders({ 'x.custom': 'a', 'x-100%': 'b', 'content-type': 'application/json' }),
    payload: { id: 'e1' },
    rawBody: new Binary(raw),
    bodyBytes: raw.length,
    secretIndex: 1,
    status: 'failed',
    attempts: 3,
    actions: {},
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

describe('toWebhookEvent(doc, overrides)', () => {
  test('rebuilds what the receiver started: same ID, times, headers and the exact bytes', () => {
    expect(toWebhookEvent(doc())).toEqual({
      workflowId: 'demo:e1',
      source: 'demo',
      provider: 'hmac',
      eventId: 'e1',
      type: 'order.paid',
      occurredAt: '2024-05-01T09:00:00.000Z',
      receivedAt: '2024-05-01T10:00:00.123Z',
      contentType: 'application/json',
      headers: { 'x.custom': 'a', 'x-100%': 'b', 'content-type': 'application/json' },
      body: { kind: 'inline', payload: { id: 'e1' }, rawBase64: raw.toString('base64') },
      secretIndex: 1,
    });
  });

  test('a payload stored as JSON text (keys MongoDB refuses) is parsed back', () => {
    const event = toWebhookEvent(doc({ payload: undefined, payloadJson: '{"data":{"a.b":1}}' }));
    expect(event.body).toMatchObject({ kind: 'inline', payload: { data: { 'a.b': 1 } } });
  });

  test('a claim-checked body stays a reference: the megabytes are not loaded', () => {
    const event = toWebhookEvent(doc({ payload: undefined, rawBody: undefined, bodyId: 'ab12', bodyBytes: 3_000_000 }));
    expect(event.body).toEqual({ kind: 'claim', id: 'ab12', bytes: 3_000_000 });
  });

  test('a replay gets its own workflow ID and replayOf; the rest is the stored event', () => {
    const event = toWebhookEvent(doc(), { workflowId: 'demo:e1#replay-2', replayOf: 'demo:e1' });
    expect(event).toMatchObject({ workflowId: 'demo:e1#replay-2', replayOf: 'demo:e1', eventId: 'e1' });
  });

  test('a retried replay keeps its replayOf and the time it was made; the original times stay', () => {
    const replayedAt = new Date('2024-06-01T08:00:00.000Z');
    expect(toWebhookEvent(doc({ _id: 'demo:e1#replay-1', replayOf: 'demo:e1', replayedAt }))).toMatchObject({
      workflowId: 'demo:e1#replay-1',
      replayOf: 'demo:e1',
      replayedAt: '2024-06-01T08:00:00.000Z',
      receivedAt: '2024-05-01T10:00:00.123Z',
      occurredAt: '2024-05-01T09:00:00.000Z',
    });
  });

  test('an event without a stored body cannot run again: ConflictError', () => {
    expect(() => toWebhookEvent(doc({ rawBody: undefined }))).toThrow(ConflictError);
    expect(() => toWebhookEvent(doc({ rawBody: undefined }))).toThrow('event demo:e1 has no stored body');
  });
});

describe('decodeStoredHeaders(headers)', () => {
  test('undoes storableHeaders for any name', () => {
    const names = ['x.a', 'x-$b', 'x-%2E-literal', '%', 'plain'];
    const headers = Object.fromEntries(names.map((name) => [name, name]));
    expect(decodeStoredHeaders(storableHeaders(headers))).toEqual(headers);
  });
});
