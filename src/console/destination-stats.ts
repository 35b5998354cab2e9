import type { Collection } from 'mongodb';
import type { DestinationConfig, HookflowConfig } from '../config/load-config';
import { controlKey, type ControlDocument } from '../controls/control-document';
import type { EventDocument } from '../store/documents';

export interface DestinationFailure {
  readonly id: string;
  readonly type: string;
  readonly at: Date;
  readonly error?: string;
}

export interface DestinationStats {
  readonly name: string;
  /** The URL without its query (which may carry a credential). */
  readonly url: string;
  readonly timeoutMs: number;
  /** `paused`, `failing` (a failure in the last hour) or `ok`. */
  readonly status: 'paused' | 'failing' | 'ok';
  readonly paused: boolean;
  readonly pausedReason?: string;
  readonly pausedAt?: Date;
  /** Delivery limits when configured (src/limits/): forwards per second, in flight at once. */
  readonly rateLimit?: { readonly perSecond: number };
  readonly maxConcurrency?: number;
  /** Its circuit breaker (src/breaker/), which pauses it through the same durable pause. */
  readonly circuitBreaker?: { readonly failures: number; readonly withinMs: number; readonly coolDownMs: number | 'manual' };
  /** Events held on it while paused. */
  readonly held: number;
  /** Its latest failed forwards, newest first. */
  readonly recentFailures: DestinationFailure[];
}

const RECENT_FAILURES = 5;
const FAILING_WINDOW_MS = 60 * 60 * 1000;

/** The Destinations page: configured destinations with their pause state and latest failures. */
export async function destinationStats(deps: {
  config: HookflowConfig;
  events: Collection<EventDocument>;
  controls?: Collection<ControlDocument>;
  now?: () => Date;
}): Promise<DestinationStats[]> {
  const now = (deps.now ?? (() => new Date()))();
  const controls = deps.controls ? await deps.controls.find({ kind: 'destination' }).toArray() : [];
  return Promise.all(
    [...deps.config.destinations.values()].map(async (destination): Promise<DestinationStats> => {
      const control = controls.find((c) => c._id === controlKey('destination', destination.name));
      const action = `actions.forward:${destination.name}`;
      const [failed, held] = await Promise.all([
        deps.events
          .find({ [`${action}.status`]: 'failed' }, { projection: { _id: 1, type: 1, listedAt: 1, receivedAt: 1, actions: 1 } })
          .sort({ listedAt: -1, _id: -1 })
          .limit(RECENT_FAILURES)
          .toArray(),
        deps.events.countDocuments({ [`heldOn.${controlKey('destination', destination.name)}`]: true }),
      ]);
      const recentFailures = failed.map((doc) => {
        const record = doc.actions?.[`forward:${destination.name}`];
        return {
          id: doc._id,
          type: doc.type,
          at: record?.finishedAt ?? doc.listedAt ?? doc.receivedAt,
          ...(record?.error ? { error: record.error } : {}),
        };
      });
      const paused = control?.paused ?? false;
      const failing = recentFailures.some((f) => now.getTime() - f.at.getTime() < FAILING_WINDOW_MS);
      // The delivery limits (src/limits/) as the resolved config carries them (`limits`), or as configured.
      const loose = destination as DestinationConfig & {
        limits?: { perSecond?: number; maxConcurrency?: number };
        rateLimit?: { perSecond: number };
        maxConcurrency?: number;
        circuitBreaker?: { failures: number; within: number; coolDown: number | 'manual' };
      };
      const breaker = loose.circuitBreaker;
      const perSecond = loose.limits?.perSecond ?? loose.rateLimit?.perSecond;
      const maxConcurrency = loose.limits?.maxConcurrency ?? loose.maxConcurrency;
      return {
        name: destination.name,
        url: withoutQuery(destination.url),
        timeoutMs: destination.timeoutMs,
        status: paused ? 'paused' : failing ? 'failing' : 'ok',
        paused,
        ...(paused && control?.reason ? { pausedReason: control.reason } : {}),
        ...(paused && control ? { pausedAt: control.updatedAt } : {}),
        ...(perSecond ? { rateLimit: { perSecond } } : {}),
        ...(maxConcurrency ? { maxConcurrency } : {}),
        ...(breaker ? { circuitBreaker: { failures: breaker.failures, withinMs: breaker.within, coolDownMs: breaker.coolDown } } : {}),
        held,
        recentFailures,
      };
    }),
  );
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
