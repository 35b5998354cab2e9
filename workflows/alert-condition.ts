import { condition, continueAsNew, defineSignal, log, patched, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/create-alert-activities';
import { ALERT_OBSERVE_SIGNAL, type AlertObservation } from '../src/alerts/alert-observation';
import type { AlertConditionInput } from '../src/alerts/alert-rule';
import type { AlertNotification, AlertPhase } from '../src/alerts/alert-notification';
import { alertSummary } from '../src/alerts/alert-summary';
import { applyObservation, EMPTY_ALERT_STATE, type AlertState } from '../src/alerts/alert-state';
import { judgeWindow, nextExpiry, trimWindow } from '../src/alerts/alert-window';

export const alertObserveSignal = defineSignal<[AlertObservation]>(ALERT_OBSERVE_SIGNAL);
export type { AlertObservation, AlertState };

/**
 * Deliveries are retried for up to a day (Slack or the webhook down): durable, like any
 * activity. A permanent refusal (`AlertRefused`: a 4xx that a retry will not change) is logged.
 * A local activity: it runs on the worker that runs this workflow, so an alert never waits in
 * the task queue behind the backlog it may be reporting.
 */
const { sendAlert } = proxyLocalActivities<AlertActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['AlertRefused'] },
});

const SIGNALS_PER_RUN = 1_000;
/** The patch that windows occurrences when they are received (src/alerts/alert-state.ts). */
const WINDOW_AT_RECEIPT = 'alert-window-at-receipt';

/**
 * One alert condition (a rule and its subject), the only writer of its state (issue #13). It
 * OPENS once when the condition holds, reminds at most every repeatEvery while it holds, and
 * sends one RESOLUTION when it clears: a storm of occurrences is one open alert. It ends once
 * nothing is left in its window; the next report starts it again (signalWithStart). Its
 * history is bounded by continue-as-new, carrying the state.
 */
export async function alertCondition(input: AlertConditionInput, carried?: AlertState): Promise<void> {
  let state: AlertState = carried ?? EMPTY_ALERT_STATE;
  const inbox: AlertObservation[] = [];
  setHandler(alertObserveSignal, (observation) => void inbox.push(observation));
  let received = 0;
  const key = `${input.rule}/${input.subject}`;

  const notify = async (phase: AlertPhase, facts: { failed: number; total: number }, open: NonNullable<AlertState['open']>) => {
    const now = Date.now();
    const notification: AlertNotification = {
      id: `alert/${key}/${open.openedAt}/${open.seq}`,
      rule: input.rule,
      on: input.on,
      subject: input.subject,
      phase,
      openedAt: new Date(open.openedAt).toISOString(),
      at: new Date(now).toISOString(),
      occurrences: open.occurrences,
      summary: alertSummary(input, { phase, ...facts, occurrences: open.occurrences, ...(state.detail ? { detail: state.detail } : {}) }),
    };
    await Promise.all(
      input.channels.map((channel) =>
        sendAlert({ rule: input.rule, channel, notification }).catch((error: unknown) => log.error('alert not delivered', { key, channel, phase, error: String(error) })),
      ),
    );
  };

  // Apply every observation not read yet to the state; returns how many occurrences they add.
  const drain = (): number => {
    let occurred = 0;
    const now = Date.now();
    for (const observation of inbox.splice(0)) {
      received++;
      // Runs begun before occurrences were windowed at receipt replay as they ran, by `at`.
      const receivedAt = patched(WINDOW_AT_RECEIPT) ? now : observation.at;
      const applied = applyObservation(state, observation, input, receivedAt);
      state = applied.state;
      occurred += applied.occurred;
    }
    return occurred;
  };
  const countOnOpen = (occurred: number) => {
    if (state.open) state = { ...state, open: { ...state.open, occurrences: state.open.occurrences + occurred } };
  };

  for (;;) {
    const occurred = drain();
    const now = Date.now();
    state = { ...state, buckets: trimWindow(state.buckets, input.windowMs, now) };
    const windowed = judgeWindow(input, state.buckets, state.open !== undefined);
    const verdict =
      input.mode === 'state'
        ? { firing: state.reported?.firing ?? false, failed: state.reported?.value ?? 0, total: 0 }
        : windowed;
    countOnOpen(occurred);

    if (verdict.firing && !state.open) {
      const open = { openedAt: now, lastSentAt: now, seq: 0, occurrences: input.mode === 'state' ? 1 : verdict.failed };
      state = { ...state, open };
      await notify('opened', verdict, open);
    } else if (!verdict.firing && state.open) {
      const open = { ...state.open, seq: state.open.seq + 1 };
      await notify('resolved', verdict, open);
      state = { ...state, open: undefined, detail: undefined };
    } else if (state.open && now - state.open.lastSentAt >= input.repeatEveryMs) {
      const open = { ...state.open, seq: state.open.seq + 1, lastSentAt: now };
      state = { ...state, open };
      await notify('repeated', verdict, open);
    }

    const watching = state.open !== undefined || state.buckets.length > 0 || state.reported?.firing === true;
    if (!watching && inbox.length === 0) return;
    if (received >= SIGNALS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      // Observations not yet read go with the state: nothing is lost across the new run, their
      // occurrences included (counted on the open alert, as the loop above counts them; a CI run
      // lost 60 of 1 100 when only their buckets went along).
      countOnOpen(drain());
      return continueAsNew<typeof alertCondition>(input, state);
    }
    const wakeAt = Math.min(
      (input.mode === 'state' ? undefined : nextExpiry(state.buckets, input.windowMs)) ?? Infinity,
      state.open ? state.open.lastSentAt + input.repeatEveryMs : Infinity,
    );
    if (wakeAt === Infinity) await condition(() => inbox.length > 0);
    else await condition(() => inbox.length > 0, Math.max(1, wakeAt - Date.now()));
  }
}
