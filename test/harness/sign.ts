import { createHmac } from 'node:crypto';

/** Sign a body the way the test sources (generic hmac, `sha256=` hex) expect. */
export function hmacHeaders(body: string | Buffer, secret: string, extra: Record<string, string> = {}): Record<string, string> {
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return { 'content-type': 'application/json', 'x-signature': `sha256=${signature}`, ...extra };
}

export const DEMO_SOURCE = {
  provider: 'hmac',
  secrets: ['old-secret', 'test-secret'],
  signatureHeader: 'X-Signature',
  prefix: 'sha256=',
  idField: 'id',
  typeField: 'type',
};

let counter = 0;
/** A fresh event body with a unique ID. */
export function demoEvent(type = 'order.paid', extra: Record<string, unknown> = {}): { id: string; body: string } {
  const id = `evt_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  return { id, body: JSON.stringify({ id, type, data: { amount: 4200, currency: 'eur', note: 'héllo ✓' }, ...extra }) };
}
