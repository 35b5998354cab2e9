import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { SignatureFailureCounter } from '../receiver/signature-failures';
import type { DeliveryOutcome } from './delivery-outcome';

/**
 * Providers give up on a delivery after 5-30 s (GitHub 10 s, Stripe and Shopify a little more),
 * so the buckets resolve the range up to there finely.
 */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ReceiverMetrics {
  /** This receiver's own registry: several receivers in one process (tests) never share counts. */
  readonly registry: Registry;
  /** Backs `hookflow_signature_failures_total`; its snapshot() is what tests read. */
  readonly signatureFailures: SignatureFailureCounter;
  /** One delivery to a configured source was answered with `status` after `seconds`. */
  recordDelivery(source: string, outcome: DeliveryOutcome, status: number, seconds: number): void;
}

/**
 * The receiver's metrics, plus prom-client's process metrics under their standard names
 * (`process_*`, `nodejs_*`) so stock Node.js dashboards work. Ours are prefixed `hookflow_`.
 */
export function createReceiverMetrics(registry = new Registry()): ReceiverMetrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const received = new Counter({
    name: 'hookflow_webhooks_received_total',
    help: 'Deliveries to configured sources by how they were answered (accepted, duplicate, handshake, rejected, unavailable, error) and HTTP status.',
    labelNames: ['source', 'outcome', 'status'] as const,
    registers,
  });
  const duplicates = new Counter({
    name: 'hookflow_duplicate_webhooks_total',
    help: 'Redeliveries of events already received (answered 200 duplicate, nothing started).',
    labelNames: ['source'] as const,
    registers,
  });
  const ackLatency = new Histogram({
    name: 'hookflow_ack_latency_seconds',
    help: 'Time from the start of a delivery to its 2xx answer (after Temporal durably accepted the workflow start).',
    labelNames: ['source'] as const,
    buckets: ACK_BUCKETS,
    registers,
  });
  const signatureFailures = new SignatureFailureCounter(
    new Counter({
      name: 'hookflow_signature_failures_total',
      help: 'Deliveries refused with 401 by source and reason (missing_signature, no_matching_signature, timestamp_too_old, ...).',
      labelNames: ['source', 'reason'] as const,
      registers,
    }),
  );
  return {
    registry,
    signatureFailures,
    recordDelivery(source, outcome, status, seconds) {
      received.inc({ source, outcome, status: String(status) });
      if (outcome === 'duplicate') duplicates.inc({ source });
      if (status >= 200 && status < 300) ackLatency.observe({ source }, seconds);
    },
  };
}
