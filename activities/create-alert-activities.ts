import { ApplicationFailure, Context } from '@temporalio/activity';
import { alertWebhookBody, slackMessageBody, type SendAlertInput } from '../src/alerts/alert-notification';
import type { AlertRule } from '../src/alerts/alert-rule';
import { reportAlert } from '../src/alerts/report-alert';
import { sendSlackMessage } from '../src/alerts/send-slack-message';
import { forwardEvent } from '../src/forward/forward-event';
import { ForwardError } from '../src/forward/forward-error';
import { readTaskQueueBacklog } from '../src/metrics/read-task-queue-backlog';

export interface AlertDeps {
  readonly alertRules: readonly AlertRule[];
  readonly fetch?: typeof fetch;
}

/**
 * Alert delivery and the backlog check (workflows/alert-condition.ts, workflows/check-backlog.ts).
 * The channels' URLs and secrets are read here, from the worker's config: they never enter
 * Temporal's history.
 */
export function createAlertActivities({ alertRules, fetch: fetchImpl }: AlertDeps) {
  const ruleNamed = (name: string) => {
    const rule = alertRules.find((r) => r.name === name);
    // Retryable: during a rolling deploy another (newer) worker may have it.
    if (!rule) throw ApplicationFailure.retryable(`no alert rule named ${name} on this worker`, 'AlertRuleMissing');
    return rule;
  };
  return {
    /**
     * One notification to one channel. A retryable answer (5xx, 429, a timeout) throws for
     * Temporal to retry; a permanent one (another 4xx) fails as `AlertRefused`, not retried.
     */
    async sendAlert({ rule: name, channel, notification }: SendAlertInput): Promise<{ status: number }> {
      const rule = ruleNamed(name);
      const signal = Context.current().cancellationSignal;
      try {
        if (channel === 'slack') {
          if (!rule.slack) throw ApplicationFailure.nonRetryable(`alert rule ${name} has no slack URL on this worker`, 'AlertRefused');
          return await sendSlackMessage(rule.slack, slackMessageBody(notification), { signal, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
        }
        if (!rule.webhook) throw ApplicationFailure.nonRetryable(`alert rule ${name} has no webhook on this worker`, 'AlertRefused');
        const response = await forwardEvent(
          {
            destination: `alert ${name}`,
            url: rule.webhook.url,
            secrets: rule.webhook.secrets,
            timeoutMs: rule.webhook.timeoutMs,
            messageId: notification.id,
            body: alertWebhookBody(notification),
            signal,
          },
          fetchImpl ? { fetch: fetchImpl } : {},
        );
        return { status: response.status };
      } catch (error) {
        if (error instanceof ForwardError && !error.retryable) throw ApplicationFailure.nonRetryable(error.detail, 'AlertRefused');
        if (error instanceof ForwardError) throw ApplicationFailure.retryable(error.detail, 'AlertUndelivered');
        throw error;
      }
    },

    /** Read the task queue's backlog and tell the rule's condition whether it is at or above the threshold. */
    async observeBacklog({ rule: name }: { rule: string }): Promise<{ backlog: number; firing: boolean }> {
      const rule = ruleNamed(name);
      const ctx = Context.current();
      const { taskQueue } = ctx.info;
      const { workflow, activity } = await readTaskQueueBacklog(ctx.client.connection, ctx.client.options.namespace, taskQueue, 5_000);
      const backlog = workflow + activity;
      const firing = backlog >= (rule.threshold ?? 1);
      await reportAlert({ client: ctx.client, taskQueue, rules: [rule] }, 'backlog.high', taskQueue, {
        kind: 'state',
        at: Date.now(),
        firing,
        value: backlog,
        detail: `${workflow} workflow and ${activity} activity task(s) waiting`,
      });
      return { backlog, firing };
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
