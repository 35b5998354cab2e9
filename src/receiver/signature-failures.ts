import type { Counter } from 'prom-client';
import type { SignatureFailureReason } from '../errors/http-errors';

export interface SignatureFailureCount {
  readonly source: string;
  readonly reason: SignatureFailureReason;
  readonly count: number;
}

/**
 * Signature failures by source and reason, kept in this process. A rise in one source's
 * `no_matching_signature` means a rotated secret or an attacker; `timestamp_too_old` means clock
 * skew or replays. Each failure also increments `exported`, the receiver's
 * `hookflow_signature_failures_total` (src/metrics/create-receiver-metrics.ts); snapshot() stays
 * synchronous for tests, which prom-client's own reads are not.
 */
export class SignatureFailureCounter {
  private readonly counts = new Map<string, Map<SignatureFailureReason, number>>();

  constructor(private readonly exported?: Counter<'source' | 'reason'>) {}

  increment(source: string, reason: SignatureFailureReason): void {
    let bySource = this.counts.get(source);
    if (!bySource) this.counts.set(source, (bySource = new Map()));
    bySource.set(reason, (bySource.get(reason) ?? 0) + 1);
    this.exported?.inc({ source, reason });
  }

  snapshot(): SignatureFailureCount[] {
    return [...this.counts].flatMap(([source, byReason]) =>
      [...byReason].map(([reason, count]) => ({ source, reason, count })),
    );
  }
}
