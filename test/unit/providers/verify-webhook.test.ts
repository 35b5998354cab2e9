import { createHmac, randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { BadRequestError, SignatureError } from '../../../src/errors/http-errors';
import { verifyWebhook } from '../../../src/providers/verify-webhook';

const stripe = new Stripe('sk_test_x');
const now = new Date();
const nowSeconds = Math.floor(now.getTime() / 1000);

function stripeEvent() {
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const id = `evt_${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify({ id, object: 'event', type: 'invoice.paid', created: nowSeconds, data: { object: {} } });
  const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: nowSeconds });
  return { secret, id, body, signature };
}

describe('verifyWebhook (public API)', () => {
  test('verifyWebhook({provider: "stripe", ...}) accepts a header from stripe.webhooks.generateTestHeaderString and names the event', () => {
    const { secret, id, body, signature } = stripeEvent();
    const verified = verifyWebhook({
      provider: 'stripe',
      rawBody: body,
      // Node's req.headers as a user passes them: any case, content type with parameters.
      headers: { 'Stripe-Signature': signature, 'Content-Type': 'application/json; charset=utf-8' },
      secrets: ['whsec_rotated_out_0000000000000000', secret],
    });
    expect(verified).toMatchObject({ secretIndex: 1, id, type: 'invoice.paid', signedAt: new Date(nowSeconds * 1000) });
    expect(verified.payload).toEqual(JSON.parse(body));
  });

  test('verifyWebhook throws SignatureError (401, no_matching_signature) for another secret', () => {
    const { body, signature } = stripeEvent();
    const call = () =>
      verifyWebhook({ provider: 'stripe', rawBody: Buffer.from(body), headers: { 'stripe-signature': signature }, secrets: [`whsec_${randomBytes(24).toString('hex')}`] });
    expect(call).toThrow(SignatureError);
    expect(call).toThrow(expect.objectContaining({ status: 401, reason: 'no_matching_signature' }));
  });

  test('verifyWebhook throws SignatureError for a body changed after signing', () => {
    const { secret, body, signature } = stripeEvent();
    expect(() =>
      verifyWebhook({ provider: 'stripe', rawBody: body.replace('invoice.paid', 'invoice.void'), headers: { 'stripe-signature': signature }, secrets: [secret] }),
    ).toThrow(SignatureError);
  });

  test('verifyWebhook checks the timestamp against `now`: stale past the tolerance', () => {
    const { secret, body, signature } = stripeEvent();
    const later = new Date(now.getTime() + 301_000);
    expect(() => verifyWebhook({ provider: 'stripe', rawBody: body, headers: { 'stripe-signature': signature }, secrets: [secret], now: later })).toThrow(
      expect.objectContaining({ reason: 'timestamp_too_old' }),
    );
    expect(verifyWebhook({ provider: 'stripe', rawBody: body, headers: { 'stripe-signature': signature }, secrets: [secret], now: later, toleranceSeconds: 600 }).secretIndex).toBe(0);
  });

  test('verifyWebhook({provider: "standard-webhooks"}) accepts a request signed by the standardwebhooks SDK', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const msgId = `msg_${randomBytes(6).toString('hex')}`;
    const body = JSON.stringify({ type: 'user.created', data: { id: 7 } });
    const signature = new Webhook(secret).sign(msgId, now, body);
    const verified = verifyWebhook({
      provider: 'standard-webhooks',
      rawBody: body,
      headers: { 'webhook-id': msgId, 'webhook-timestamp': String(nowSeconds), 'webhook-signature': signature },
      secrets: [secret],
    });
    expect(verified).toMatchObject({ secretIndex: 0, id: msgId, type: 'user.created' });
  });

  test("verifyWebhook({provider: \"hmac\"}) takes the source's provider fields as options", () => {
    const secret = randomBytes(32).toString('hex');
    const body = JSON.stringify({ id: 'order_1', type: 'order.paid' });
    const digest = createHmac('sha256', secret).update(body).digest('hex');
    const options = { signatureHeader: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', idField: 'id', typeField: 'type' };
    expect(verifyWebhook({ provider: 'hmac', rawBody: body, headers: { 'x-signature': `sha256=${digest}` }, secrets: [secret], options })).toMatchObject({
      id: 'order_1',
      type: 'order.paid',
    });
  });

  test('verifyWebhook throws BadRequestError (400) for a verified body without an event ID', () => {
    const secret = `whsec_${randomBytes(24).toString('hex')}`;
    const body = JSON.stringify({ object: 'event', type: 'invoice.paid' });
    const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: nowSeconds });
    expect(() => verifyWebhook({ provider: 'stripe', rawBody: body, headers: { 'stripe-signature': signature }, secrets: [secret] })).toThrow(BadRequestError);
  });

  test('verifyWebhook throws a plain Error naming the choices for an unknown provider, and for invalid options', () => {
    expect(() => verifyWebhook({ provider: 'strype', rawBody: '{}', headers: {}, secrets: ['x'] })).toThrow(/unknown provider "strype"; choose one of .*stripe/);
    expect(() => verifyWebhook({ provider: 'stripe', rawBody: '{}', headers: {}, secrets: ['x'], options: { nope: 1 } })).toThrow(/invalid options for provider stripe/);
  });
});
