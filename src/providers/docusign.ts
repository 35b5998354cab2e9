import { randomInt, randomUUID } from 'node:crypto';
import { JSON_TYPE } from './payload';
import { joinSignatureHeaders } from './presets/join-signature-headers';
import { presetProvider } from './presets/preset-provider';
import type { Preset } from './presets/preset';

/**
 * DocuSign Connect HMAC: one X-DocuSign-Signature-N header per active Connect key (N = 1, 2,
 * ...), each a base64 HMAC-SHA256 of the body; the message is authentic when any of them
 * matches any of the keys you hold. https://developers.docusign.com/platform/webhooks/connect/validate/
 *
 * Special only in its numbered signature headers: the preset reads them as one list.
 */
/** DocuSign allows up to 100 Connect keys per account; each may sign. */
const MAX_KEYS = 100;
const HEADERS = Array.from({ length: MAX_KEYS }, (_, i) => `x-docusign-signature-${i + 1}`);
const JOINED = 'x-docusign-signature';

export const docusignPreset: Preset = {
  name: 'docusign',
  spec: 'DocuSign Connect: X-DocuSign-Signature-1..N <base64> HMAC-SHA256 of the body, any key; https://developers.docusign.com/platform/webhooks/connect/validate/',
  scheme: { kind: 'hmac', algorithm: 'sha256', signature: { header: JOINED, encoding: 'base64', list: true }, signed: ['body'] },
  // No event ID: the envelope, the event and the time Connect generated the message name it,
  // and Connect's retries resend the same message (retryCount aside, which is left out).
  id: ['{body:data.envelopeId}:{body:event}:{body:generatedDateTime}', 'hash:body'],
  type: 'body:event',
  occurredAt: { from: 'body:generatedDateTime', unit: 'iso' },
  sample: (type, now) => ({
    contentType: JSON_TYPE,
    body: Buffer.from(
      JSON.stringify({
        event: type ?? 'envelope-completed',
        apiVersion: 'v2.1',
        uri: `/restapi/v2.1/accounts/${randomUUID()}/envelopes/${randomUUID()}`,
        retryCount: 0,
        configurationId: randomInt(1e7, 9e7),
        generatedDateTime: now.toISOString(),
        data: { accountId: randomUUID(), userId: randomUUID(), envelopeId: randomUUID(), recipientId: '1' },
      }),
    ),
  }),
};

export const docusignProvider = joinSignatureHeaders(presetProvider(docusignPreset), { into: JOINED, from: HEADERS });
