import { randomBytes } from 'node:crypto';
import { hmacValidator } from '@adyen/api-library';
import { adyenOptions, adyenProvider, adyenSignedContent } from '../../../src/providers/adyen';
import type { WebhookRequest } from '../../../src/providers/types';
import { reason } from '../../harness/signature-reason';

const key = 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00';
const now = new Date();
const settings = (secrets: string[]) => ({ secrets, toleranceSeconds: 300, options: adyenOptions.parse({}) });
const req = (body: Buffer | string): WebhookRequest => ({ rawBody: Buffer.from(body), headers: {}, url: 'u', contentType: 'application/json' });

describe('adyen provider', () => {
  test('the PROVIDERS.md vector: the signed string and its HMAC', () => {
    const validator = new hmacValidator();
    expect(validator.calculateHmac('pspReference:originalReference:merchantAccount:reference:1000:EUR:CAPTURE:true', key)).toBe(
      'xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=',
    );
    const item = { pspReference: 'pspReference', originalReference: 'originalReference', merchantAccountCode: 'merchantAccount', merchantReference: 'reference', amount: { value: 1000, currency: 'EUR' }, eventCode: 'CAPTURE', success: 'true' };
    expect(adyenSignedContent(item)).toBe('pspReference:originalReference:merchantAccount:reference:1000:EUR:CAPTURE:true');
    const body = JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: { ...item, additionalData: { hmacSignature: 'xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=' } } }] });
    expect(adyenProvider.verify(req(body), settings(['00'.repeat(32), key]), now).secretIndex).toBe(1);
  });

  test("sign() produces items Adyen's HmacValidator accepts; the answer is [accepted]", () => {
    const secret = randomBytes(32).toString('hex').toUpperCase();
    const signed = adyenProvider.sign({ ...adyenProvider.sample(undefined, now), url: 'u', secret, now }, {});
    const item = JSON.parse(signed.body.toString()).notificationItems[0].NotificationRequestItem;
    expect(new hmacValidator().validateHMAC(item, secret)).toBe(true);
    expect(adyenProvider.identify(req(signed.body), JSON.parse(signed.body.toString()), settings([secret]))).toMatchObject({
      id: `${item.pspReference}:AUTHORISATION:true`,
      type: 'AUTHORISATION',
    });
    expect(adyenProvider.answer?.({ outcome: 'accepted', workflowId: 'x' }, {})).toEqual({ status: 200, body: '[accepted]', contentType: 'text/plain' });
  });

  test('a changed amount, a wrong key, a missing signature and a non-notification are refused', () => {
    const secret = randomBytes(32).toString('hex');
    const signed = adyenProvider.sign({ ...adyenProvider.sample(undefined, now), url: 'u', secret, now }, {});
    const tampered = signed.body.toString().replace('"value":4200', '"value":1');
    expect(reason(() => adyenProvider.verify(req(tampered), settings([secret]), now))).toBe('no_matching_signature');
    expect(reason(() => adyenProvider.verify(req(signed.body), settings([randomBytes(32).toString('hex')]), now))).toBe('no_matching_signature');
    expect(reason(() => adyenProvider.verify(req(signed.body.toString().replace('hmacSignature', 'other')), settings([secret]), now))).toBe('missing_signature');
    expect(reason(() => adyenProvider.verify(req('not json'), settings([secret]), now))).toBe('malformed_signature');
    expect(reason(() => adyenProvider.verify(req('{"notificationItems":[]}'), settings([secret]), now))).toBe('missing_signature');
    expect(adyenProvider.checkSecret?.('not-hex', {})).toMatch(/hex/);
  });
});
