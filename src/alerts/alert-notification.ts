import type { AlertChannel, AlertKind } from './alert-rule';

/** `opened` once per condition, `repeated` at most every repeatEvery while open, `resolved` once. */
export type AlertPhase = 'opened' | 'repeated' | 'resolved';

/** What one notification says; the same for every channel of the rule. */
export interface AlertNotification {
  /** Stable for this notification (its webhook-id): a retried delivery carries the same one. */
  readonly id: string;
  readonly rule: string;
  readonly on: AlertKind;
  readonly subject: string;
  readonly phase: AlertPhase;
  /** ISO times. */
  readonly openedAt: string;
  readonly at: string;
  /** Occurrences since the alert opened (failures, 401s, reports), as far as the rule counts them. */
  readonly occurrences: number;
  /** One line for humans. */
  readonly summary: string;
}

export interface SendAlertInput {
  readonly rule: string;
  readonly channel: AlertChannel;
  readonly notification: AlertNotification;
}

/** The generic webhook's body: the Standard Webhooks payload shape (`type`, `timestamp`, `data`). */
export function alertWebhookBody(notification: AlertNotification): string {
  const { id, ...data } = notification;
  return JSON.stringify({ type: `alert.${notification.phase}`, timestamp: notification.at, data: { id, ...data } });
}

const ICONS: Record<AlertPhase, string> = { opened: ':rotating_light:', repeated: ':repeat:', resolved: ':white_check_mark:' };

/**
 * Slack's incoming-webhook message (https://api.slack.com/messaging/webhooks): `text` is the
 * notification and the fallback, `blocks` lays it out. Slack reads `<`, `>` and `&` as markup,
 * so they are escaped as its docs ask.
 */
export function slackMessageBody(notification: AlertNotification): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const title = `${ICONS[notification.phase]} hookflow alert ${notification.phase}: ${notification.on} (${notification.subject})`;
  const text = `${title}\n${notification.summary}`;
  return JSON.stringify({
    text: escape(text),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escape(title)}*\n${escape(notification.summary)}` } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: escape(`rule ${notification.rule} · opened ${notification.openedAt} · ${notification.occurrences} occurrence(s)`) }],
      },
    ],
  });
}
