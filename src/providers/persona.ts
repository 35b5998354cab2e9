import { randomBytes } from 'node:crypto';
import { SignatureError } from '../errors/http-errors';
import { JSON_TYPE } from './payload';
import { presetProvider } from './presets/preset-provider';
import type { Preset } from './presets/preset';
import type { Provider } from './types';

/**
 * Persona: `Persona-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `<t>.<body>`. While a secret
 * is rotated Persona sends one pair per secret, separated by a space
 * (`t=1,v1=aa t=1,v1=bb`), each with its own timestamp: any pair that verifies is enough.
 * https://docs.withpersona.com/docs/webhooks-best-practices#checking-signatures
 *
 * Special only in that space-separated list of pairs: each pair is checked by the preset.
 */
const HEADER = 'persona-signature';
/** More pairs than a rotation ever needs are refused, so one header cannot buy many HMACs. */
const MAX_PAIRS = 8;

export const personaPreset: Preset = {
  name: 'persona',
  spec: 'Persona: Persona-Signature t=<unix>,v1=<hex>[ t=...,v1=...] HMAC-SHA256 of t.body; https://docs.withpersona.com/docs/webhooks',
  scheme: {
    kind: 'hmac',
    algorithm: 'sha256',
    signature: { header: HEADER, kv: { separator: ',', timestampKey: 't', signatureKey: 'v1' }, encoding: 'hex' },
    signed: ['timestamp', 'body'],
    separator: '.',
    timestamp: { from: 'kv', unit: 's' },
  },
  // Persona publishes no window: hookflow's default (300 s) applies, both ways.
  id: 'body:data.id',
  type: 'body:data.attributes.name',
  occurredAt: { from: 'body:data.attributes.created-at', unit: 'iso' },
  sample: (type, now) => ({
    contentType: JSON_TYPE,
    body: Buffer.from(
      JSON.stringify({
        data: {
          type: 'event',
          id: `evt_${randomBytes(12).toString('base64url')}`,
          attributes: {
            name: type ?? 'inquiry.completed',
            'created-at': now.toISOString(),
            payload: { data: { type: 'inquiry', id: `inq_${randomBytes(12).toString('base64url')}`, attributes: { status: 'completed', 'reference-id': 'user_4821' } } },
          },
        },
      }),
    ),
  }),
};

/** The pairs of a Persona-Signature header; a repeated header's ", " join splits the same way. */
export function personaPairs(header: string | undefined): string[] {
  if (header === undefined || header.trim() === '') throw new SignatureError('missing_signature', `missing ${HEADER} header`);
  const pairs = header.split(/\s+/).filter((p) => p !== '' && p !== ',');
  // A header of separators only (`,`) holds no pair: without this, verify had nothing to try and threw undefined.
  if (pairs.length === 0) throw new SignatureError('malformed_signature', `${HEADER} holds no t=…,v1=… pair`);
  if (pairs.length > MAX_PAIRS) throw new SignatureError('malformed_signature', `${HEADER} holds more than ${MAX_PAIRS} signature pairs`);
  return pairs;
}

const base = presetProvider(personaPreset);

export const personaProvider: Provider<Record<string, unknown>> = {
  ...base,
  verify(req, source, now) {
    let first: unknown;
    for (const pair of personaPairs(req.headers[HEADER])) {
      try {
        return base.verify({ ...req, headers: { ...req.headers, [HEADER]: pair } }, source, now);
      } catch (error) {
        // The first pair's reason is reported: it is the one a single-secret sender gets.
        first ??= error;
      }
    }
    throw first;
  },
};
