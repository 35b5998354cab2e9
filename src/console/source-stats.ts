import type { Collection } from 'mongodb';
import type { HookflowConfig } from '../config/load-config';
import { controlKey, type ControlDocument } from '../controls/control-document';
import type { ReceiverMetrics } from '../metrics/create-receiver-metrics';
import type { EventDocument } from '../store/documents';
import { deliveryCounts } from './delivery-counts';

export interface SourceStats {
  readonly name: string;
  readonly provider: string;
  /** What to register with the provider. */
  readonly url: string;
  readonly paused: boolean;
  readonly pausedReason?: string;
  /** Since this receiver process started (null: the admin server has no receiver metrics). */
  readonly deliveries: { accepted: number; duplicate: number; rejected: number; other: number } | null;
  readonly signatureFailures: Record<string, number> | null;
  /** The newest recorded delivery (replays aside), from MongoDB. */
  readonly lastDeliveryAt: Date | null;
}

/**
 * The Sources page: each configured source with its counts. Counts come from the receiver's
 * registry (this process's, see delivery-counts.ts); the last delivery from the event records,
 * so it survives restarts.
 */
export async function sourceStats(deps: {
  config: HookflowConfig;
  events: Collection<EventDocument>;
  controls?: Collection<ControlDocument>;
  receiverMetrics?: ReceiverMetrics;
}): Promise<SourceStats[]> {
  const { config } = deps;
  const counts = deps.receiverMetrics ? await deliveryCounts(deps.receiverMetrics) : undefined;
  const controls = deps.controls ? await deps.controls.find({ kind: 'source' }).toArray() : [];
  const base = receiverBaseUrl(config);
  return Promise.all(
    [...config.sources.values()].map(async (source): Promise<SourceStats> => {
      const control = controls.find((c) => c._id === controlKey('source', source.name));
      const outcomes = counts?.get(source.name)?.outcomes ?? {};
      const last = await deps.events
        .find({ source: source.name, replayOf: { $exists: false } }, { projection: { receivedAt: 1, listedAt: 1 } })
        .sort({ listedAt: -1, _id: -1 })
        .limit(1)
        .next();
      const { accepted = 0, duplicate = 0, rejected = 0, ...rest } = outcomes;
      return {
        name: source.name,
        provider: source.provider.name,
        url: `${base}/webhooks/${encodeURIComponent(source.name)}`,
        paused: control?.paused ?? false,
        ...(control?.paused && control.reason ? { pausedReason: control.reason } : {}),
        deliveries: counts ? { accepted, duplicate, rejected, other: Object.values(rest).reduce((a, b) => a + b, 0) } : null,
        signatureFailures: counts ? (counts.get(source.name)?.signatureFailures ?? {}) : null,
        lastDeliveryAt: last?.receivedAt ?? null,
      };
    }),
  );
}

/** `server.publicUrl` when a proxy sits in front; otherwise the receiver's own address. */
export function receiverBaseUrl(config: HookflowConfig): string {
  if (config.server.publicUrl) return config.server.publicUrl.replace(/\/+$/, '');
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '<this host>' : config.server.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`;
}
