import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { resolveConfig } from '../../../src/config/load-config';
import { BadRequestError } from '../../../src/errors/http-errors';
import { acceptWebhook } from '../../../src/receiver/accept-webhook';
import { recoveredAcceptance } from '../../../src/reconcile/recovered-acceptance';

const whsec = `whsec_${randomBytes(24).toString('base64')}`;
const config = resolveConfig({ sources: { stripe: { provider: 'stripe', secrets: [whsec], apiKey: 'sk_test_x' } } }, '/x.json');
const source = config.sources.get('stripe')!;
const now = new Date();

const event = (id: string) => ({ id, object: 'event', type: 'charge.succeeded', created: Math.floor(now.getTime() / 1000), data: { object: {} } });
const recovered = (id: string) => {
  const rawBody = Buffer.from(JSON.stringify(event(id)));
  return recoveredAcceptance(source, { rawBody, headers: { 'content-type': 'application/json' }, contentType: 'application/json' }, now);
};

/** The receiver's own path for the same event, signed as Stripe signs. */
const delivered = (id: string) => {
  const rawBody = Buffer.from(JSON.stringify(event(id)));
  const header = new Stripe('sk_test_unused').webhooks.generateTestHeaderString({ payload: rawBody.toString(), secret: whsec });
  return acceptWebhook(
    source,
    { rawBody, headers: { 'content-type': 'application/json', 'stripe-signature': header }, url: 'http://127.0.0.1/webhooks/stripe', contentType: 'application/json', method: 'POST' },
    now,
  );
};

describe('recoveredAcceptance(source, delivery, now): the receiver\'s event building, shared', () => {
  test('builds the event a verified delivery of it would carry, marked recovered and unsigned', () => {
    const id = `evt_${randomBytes(8).toString('hex')}`;
    const fromApi = recovered(id);
    const fromDelivery = delivered(id);
    if (fromDelivery.kind !== 'event') throw new Error('expected an event');
    const { secretIndex: _s, headers: _h, ...same } = fromDelivery.event;
    expect(fromApi.event).toMatchObject({ ...same, workflowId: `stripe:${id}`, secretIndex: -1, recoveredBy: 'reconcile' });
    expect(fromDelivery.event).not.toHaveProperty('recoveredBy');
    expect(fromDelivery.event.headers).not.toHaveProperty('stripe-signature');
  });

  test.each([
    ['a lone surrogate', 'evt_\ud800', 'event ID is not valid Unicode (it contains a lone UTF-16 surrogate), so it cannot name a workflow'],
    ['a NUL character', 'evt_\u0000x', 'event ID contains a NUL character (U+0000)'],
    ['401 bytes', `evt_${'i'.repeat(397)}`, 'event ID is 401 bytes long in UTF-8; the limit is 400 bytes'],
  ])('refuses an ID with %s, as the receiver does, with the same reason', (_what, id, reason) => {
    expect(() => recovered(id)).toThrow(new BadRequestError(reason));
    expect(() => delivered(id)).toThrow(new BadRequestError(reason));
  });
});
