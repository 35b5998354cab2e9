import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { alertWebhookBody, slackMessageBody, type AlertNotification } from '../../../src/alerts/alert-notification';
import { signStandardWebhook } from '../../../src/forward/standard-webhook-signature';

const notification: AlertNotification = {
  id: 'alert/failures/demo/1764620000000/0',
  rule: 'failures',
  on: 'event.failed',
  subject: 'demo',
  phase: 'opened',
  openedAt: '2026-12-01T20:00:00.000Z',
  at: '2026-12-01T20:00:00.000Z',
  occurrences: 1,
  summary: '1 event(s) of source demo failed in the last 5m (last: demo:evt_1: handler:boom failed: <b> & co)',
};

describe('alert notification bodies', () => {
  test('the generic webhook body is a Standard Webhooks payload that the standardwebhooks package verifies as signed', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const body = alertWebhookBody(notification);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': notification.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook({ secrets: [secret], id: notification.id, timestamp, body: Buffer.from(body) }),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ type: 'alert.opened', timestamp: notification.at, data: notification });
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers)).toThrow();
  });

  test("the Slack message has text and blocks, with Slack's control characters escaped", () => {
    const message = JSON.parse(slackMessageBody(notification)) as { text: string; blocks: { type: string }[] };
    expect(message.text).toBe(':rotating_light: hookflow alert opened: event.failed (demo)\n1 event(s) of source demo failed in the last 5m (last: demo:evt_1: handler:boom failed: &lt;b&gt; &amp; co)');
    expect(message.blocks.map((b) => b.type)).toEqual(['section', 'context']);
  });
});
