import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { JSON_TYPE } from './payload';
import { joinSignatureHeaders } from './presets/join-signature-headers';
import { presetProvider } from './presets/preset-provider';
import type { Preset } from './presets/preset';

/**
 * Box webhooks v2: BOX-SIGNATURE-PRIMARY and BOX-SIGNATURE-SECONDARY, each a base64 HMAC-SHA256
 * of the body bytes followed by the BOX-DELIVERY-TIMESTAMP bytes, keyed with the primary and
 * the secondary key. A message is valid when either verifies, so keys can be rotated one at a
 * time; Box rejects messages older than 10 minutes.
 * https://developer.box.com/guides/webhooks/v2/signatures-v2/
 *
 * Special only in its two signature headers: the preset reads them as one list.
 */
const PRIMARY = 'box-signature-primary';
const SECONDARY = 'box-signature-secondary';
const JOINED = 'box-signature';

/** Box's timestamps are RFC 3339 with a zone offset, to the second. */
function boxTime(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export const boxPreset: Preset = {
  name: 'box',
  spec: 'Box: BOX-SIGNATURE-PRIMARY/-SECONDARY <base64> HMAC-SHA256 of body + BOX-DELIVERY-TIMESTAMP; https://developer.box.com/guides/webhooks/v2/signatures-v2/',
  scheme: {
    kind: 'hmac',
    algorithm: 'sha256',
    signature: { header: JOINED, encoding: 'base64', list: true },
    signed: ['body', 'timestamp'],
    timestamp: { from: 'header:box-delivery-timestamp', unit: 'iso' },
  },
  defaultToleranceSeconds: 600,
  // BOX-DELIVERY-ID changes with every retry; the body's id is the event's and stays.
  id: 'body:id',
  type: 'body:trigger',
  occurredAt: { from: 'body:created_at', unit: 'iso' },
  headers: () => ({ 'box-delivery-id': randomUUID(), 'box-signature-algorithm': 'HmacSHA256', 'box-signature-version': '1' }),
  sample: (type, now) => ({
    contentType: JSON_TYPE,
    body: Buffer.from(
      JSON.stringify({
        type: 'webhook_event',
        id: randomUUID(),
        created_at: boxTime(now),
        trigger: type ?? 'FILE.UPLOADED',
        webhook: { id: String(randomInt(1e6, 9e6)), type: 'webhook' },
        created_by: { type: 'user', id: String(randomInt(1e8, 9e8)), name: 'Ada Lovelace', login: 'ada@example.com' },
        source: { id: String(randomInt(1e11, 9e11)), type: 'file', name: 'invoice-4821.pdf', sha1: randomBytes(20).toString('hex') },
        additional_info: [],
      }),
    ),
  }),
};

export const boxProvider = joinSignatureHeaders(presetProvider(boxPreset), { into: JOINED, from: [PRIMARY, SECONDARY] });
