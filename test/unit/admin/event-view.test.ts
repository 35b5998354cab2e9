import { Binary } from 'mongodb';
import { eventDetail, eventSummary } from '../../../src/admin/event-view';
import type { EventDocument } from '../../../src/store/documents';

const base: EventDocument = {
  _id: 'demo:e1',
  source: 'demo',
  provider: 'hmac',
  eventId: 'e1',
  type: 'order.paid',
  receivedAt: new Date('2024-05-01T10:00:00Z'),
  contentType: 'application/json',
  headers: { 'x%2Ecustom': 'a' },
  payload: { id: 'e1' },
  rawBody: new Binary(Buffer.from('{"id":"e1"}')),
  bodyBytes: 11,
  secretIndex: 0,
  status: 'succeeded',
  attempts: 1,
  actions: {
    'handler:a': { kind: 'handler', target: 'a', status: 'succeeded', attempts: 1, result: { ok: true } },
    'handler:b': { kind: 'handler', target: 'b', status: 'succeeded', attempts: 2, resultJson: '{"a.b":1}' },
  },
  runId: 'run-1',
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe('eventDetail(doc)', () => {
  test('no raw bytes; payload, header names and JSON-text results decoded', () => {
    const view = eventDetail(base);
    expect(view).not.toHaveProperty('rawBody');
    expect(view).not.toHaveProperty('_id');
    expect(view).toMatchObject({
      id: 'demo:e1',
      payload: { id: 'e1' },
      body: { storage: 'inline', bytes: 11 },
      headers: { 'x.custom': 'a' },
      runId: 'run-1',
    });
    expect(view.actions['handler:b']).toEqual({
      kind: 'handler',
      target: 'b',
      status: 'succeeded',
      attempts: 2,
      result: { 'a.b': 1 },
      // No attempt record given: the first attempt's end is not known.
      attemptHistory: [
        { attempt: 1, status: 'unrecorded' },
        { attempt: 2, status: 'succeeded' },
      ],
    });
  });

  test('a claim-checked body is described by bodyId and size, with no payload', () => {
    const view = eventDetail({ ...base, payload: undefined, rawBody: undefined, bodyId: 'ab12', bodyBytes: 3_000_000 });
    expect(view.body).toEqual({ storage: 'claim-check', bodyId: 'ab12', bytes: 3_000_000 });
    expect(view).not.toHaveProperty('payload');
  });

  test('payloadJson is parsed back into payload', () => {
    expect(eventDetail({ ...base, payload: undefined, payloadJson: '{"$x":1}' }).payload).toEqual({ $x: 1 });
  });
});

describe('eventSummary(doc)', () => {
  test('keeps only the list fields, with id for _id', () => {
    expect(eventSummary({ ...base, lastError: 'boom' })).toEqual({
      id: 'demo:e1',
      source: 'demo',
      eventId: 'e1',
      type: 'order.paid',
      status: 'succeeded',
      receivedAt: base.receivedAt,
      attempts: 1,
      lastError: 'boom',
    });
  });
});
