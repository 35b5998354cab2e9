import type { SignatureFailureReason } from '../errors/http-errors';

export interface SignatureFailureCount {
  readonly source: string;
  readonly reason: SignatureFailureReason;
  readonly count: number;
}

/**
 * Signature failures by source and reason, kept in this process. A rise in one source's
 * `no_matching_signature` means a rotated secret or an attacker; `timestamp_too_old` means clock
 * skew or replays. The Prometheus `/metrics` endpoint will read `snapshot()`.
 */
export class SignatureFailureCounter {
  private readonly counts = new Map<string, Map<SignatureFailureReason, number>>();

  increment(source: string, reason: SignatureFailureReason): void {
    let bySource = this.counts.get(source);
    if (!bySource) this.counts.set(source, (bySource = new Map()));
    bySource.set(reason, (bySource.get(reason) ?? 0) + 1);
  }

  snapshot(): SignatureFailureCount[] {
    return [...this.counts].flatMap(([source, byReason]) =>
      [...byReason].map(([reason, count]) => ({ source, reason, count })),
    );
  }
}
