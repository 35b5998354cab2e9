import { resolveConfig } from '../../../src/config/load-config';
import { BadRequestError } from '../../../src/errors/http-errors';
import { acceptWebhook, MAX_EVENT_ID_BYTES } from '../../../src/receiver/accept-webhook';
import type { WebhookRequest } from '../../../src/providers/types';
import { DEMO_SOURCE, hmacHeaders } from '../../harness/sign';

const source = resolveConfig({ sources: { demo: DEMO_SOURCE } }, '/x.json').sources.get('demo')!;
const now = new Date('2025-01-01T00:00:00Z');

/** A correctly signed demo request whose body is `fields` as JSON (JSON.stringify writes a lone surrogate as `\ud800`). */
function signed(fields: Record<string, unknown>): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(fields));
  return { rawBody, headers: hmacHeaders(rawBody, 'test-secret'), url: 'http://127.0.0.1/webhooks/demo', contentType: 'application/json' };
}

const accept = (fields: Record<string, unknown>) => acceptWebhook(source, signed(fields), now);

describe('acceptWebhook(source, req, now): event IDs Temporal cannot take (issue #6)', () => {
  test('refuses an event ID holding a lone surrogate with a 400 that says why', () => {
    for (const id of ['evt_\ud800', '\udfff', 'evt_\udc00\ud83d']) {
      expect(() => accept({ id, type: 'order.paid' })).toThrow(
        new BadRequestError('event ID is not valid Unicode (it contains a lone UTF-16 surrogate), so it cannot name a workflow'),
      );
    }
  });

  test('accepts an ID with a surrogate pair and separators (all valid UTF-8)', () => {
    for (const id of ['evt_😀', ' evt/../%2F:*? ']) {
      const accepted = accept({ id, type: 'order.paid' });
      expect(accepted.kind === 'event' && accepted.event.workflowId).toBe(`demo:${id}`);
    }
  });

  // Valid UTF-8, and Temporal takes it, but FerretDB over PostgreSQL could not record it (jsonb
  // holds no U+0000): refused once, rather than acknowledged and never recorded.
  test('refuses an ID or a type with a NUL character (400)', () => {
    expect(() => accept({ id: 'evt\u0000x', type: 'order.paid' })).toThrow(new BadRequestError('event ID contains a NUL character (U+0000)'));
    expect(() => accept({ id: 'evt_1', type: 'order\u0000paid' })).toThrow(new BadRequestError('event type contains a NUL character (U+0000)'));
  });

  test('counts the ID in UTF-8 bytes: 134 three-byte characters (402 bytes) are refused, 133 and an `a` (400) accepted', () => {
    expect(MAX_EVENT_ID_BYTES).toBe(400);
    expect(() => accept({ id: 'ア'.repeat(134), type: 'x' })).toThrow(
      new BadRequestError('event ID is 402 bytes long in UTF-8; the limit is 400 bytes'),
    );
    expect(() => accept({ id: '😀'.repeat(101), type: 'x' })).toThrow(BadRequestError); // 202 units, 404 bytes
    expect(accept({ id: `${'ア'.repeat(133)}a`, type: 'x' }).kind).toBe('event');
    expect(accept({ id: 'i'.repeat(400), type: 'x' }).kind).toBe('event');
    expect(() => accept({ id: 'i'.repeat(401), type: 'x' })).toThrow(BadRequestError);
  });

  test('accepts a type with a lone surrogate or longer than a search attribute holds, and keeps it whole', () => {
    for (const type of ['type.\udfff', 't'.repeat(5_000), '😀'.repeat(1_500)]) {
      const accepted = accept({ id: 'evt_1', type });
      expect(accepted.kind === 'event' && accepted.event.type).toBe(type);
    }
  });
});
