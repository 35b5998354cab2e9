import { Context } from '@temporalio/activity';
import type { Collection } from 'mongodb';
import type { AlertRule } from '../src/alerts/alert-rule';
import { reportAlert } from '../src/alerts/report-alert';
import type { DestinationConfig } from '../src/config/load-config';
import { controlKey, RESUME_SIGNAL, type ControlDocument } from '../src/controls/control-document';
import { thrownMessage } from '../src/errors/action-error-text';
import { forwardEvent } from '../src/forward/forward-event';
import { ForwardError } from '../src/forward/forward-error';
import type { EventDocument } from '../src/store/documents';

export interface BreakerDeps {
  readonly controls: Collection<ControlDocument>;
  readonly events: Collection<EventDocument>;
  readonly destinations: ReadonlyMap<string, DestinationConfig>;
  readonly alertRules: readonly AlertRule[];
  readonly fetch?: typeof fetch;
}

export type ProbeResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: string };

/**
 * The circuit breaker's steps (workflows/destination-breaker.ts). The pause it sets is the
 * operator's (`controls`, src/controls/), marked `by: "breaker"` so that the breaker resumes only
 * a pause of its own. Each step is safe to retry.
 */
export function createBreakerActivities({ controls, events, destinations, alertRules, fetch: fetchImpl }: BreakerDeps) {
  const alerts = () => {
    const ctx = Context.current();
    return { client: ctx.client, taskQueue: ctx.info.taskQueue, rules: alertRules };
  };
  return {
    /** Pause the destination unless an operator's pause holds it already; raise destination.paused. */
    async tripBreaker({ destination, reason }: { destination: string; reason: string }): Promise<{ tripped: boolean }> {
      const _id = controlKey('destination', destination);
      try {
        // A retry of this step finds its own pause (by: breaker) and writes it again.
        await controls.updateOne(
          { _id, $or: [{ paused: { $ne: true } }, { by: 'breaker' }] },
          { $set: { kind: 'destination', name: destination, paused: true, by: 'breaker', reason, updatedAt: new Date() } },
          { upsert: true },
        );
      } catch (error) {
        // The filter missed a document that exists: an operator's pause.
        if ((error as { code?: number }).code === 11000) return { tripped: false };
        throw error;
      }
      Context.current().log.warn('circuit breaker opened: destination paused', { destination, reason });
      await reportAlert(alerts(), 'destination.paused', destination, { kind: 'state', at: Date.now(), firing: true, detail: reason });
      return { tripped: true };
    },

    /** Who holds the destination paused now. */
    async readBreakerPause({ destination }: { destination: string }): Promise<'breaker' | 'operator' | 'none'> {
      const doc = await controls.findOne({ _id: controlKey('destination', destination) });
      if (!doc?.paused) return 'none';
      return doc.by === 'breaker' ? 'breaker' : 'operator';
    },

    /**
     * One real request to the destination, signed like a forward: `{"type":"hookflow.probe"}`.
     * Any 2xx closes the breaker. Never throws for the destination's answer: that is the verdict.
     */
    async probeDestination({ destination }: { destination: string }): Promise<ProbeResult> {
      const config = destinations.get(destination);
      if (!config) return { ok: false, error: `no destination named ${destination} on this worker` };
      const at = new Date();
      try {
        const response = await forwardEvent(
          {
            destination,
            url: config.url,
            secrets: config.secrets,
            headers: config.headers,
            timeoutMs: config.timeoutMs,
            messageId: `probe/${destination}/${at.getTime()}`,
            body: JSON.stringify({ type: 'hookflow.probe', timestamp: at.toISOString(), data: { destination } }),
            signal: Context.current().cancellationSignal,
          },
          fetchImpl ? { fetch: fetchImpl } : {},
        );
        return { ok: true, status: response.status };
      } catch (error) {
        if (error instanceof ForwardError) return { ok: false, error: error.detail };
        return { ok: false, error: thrownMessage(error) };
      }
    },

    /**
     * Close the breaker: with `resume`, lift its own pause (never an operator's) and tell every
     * event held on it to go on; either way, resolve destination.paused.
     */
    async closeBreaker({ destination, resume, detail }: { destination: string; resume: boolean; detail: string }): Promise<void> {
      const key = controlKey('destination', destination);
      if (resume) {
        await controls.updateOne({ _id: key, paused: true, by: 'breaker' }, { $set: { paused: false, updatedAt: new Date() }, $unset: { by: '', reason: '' } });
        const { client } = Context.current();
        const held = await events.find({ [`heldOn.${key}`]: true }, { projection: { _id: 1 } }).toArray();
        for (const { _id } of held) {
          await client.workflow
            .getHandle(_id)
            .signal(RESUME_SIGNAL, key)
            .catch(() => undefined); // closed or gone: nothing waits there
        }
        Context.current().log.info('circuit breaker closed: destination resumed', { destination, detail, signalled: held.length });
      }
      await reportAlert(alerts(), 'destination.paused', destination, { kind: 'state', at: Date.now(), firing: false, detail });
    },
  };
}

export type BreakerActivities = ReturnType<typeof createBreakerActivities>;
