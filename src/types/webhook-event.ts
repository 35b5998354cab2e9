/**
 * What crosses from the receiver to Temporal. Plain JSON only: it is a workflow argument,
 * so it must survive Temporal's payload converter unchanged.
 */
export interface WebhookEvent {
  /** `<source>:<eventId>`: the deduplication key Temporal enforces. */
  readonly workflowId: string;
  readonly source: string;
  readonly provider: string;
  readonly eventId: string;
  readonly type: string;
  /** ISO time the provider says the event happened, where it says. */
  readonly occurredAt?: string;
  /** ISO time the receiver got the request. */
  readonly receivedAt: string;
  readonly contentType: string;
  /** Request headers minus signatures and credentials. */
  readonly headers: Record<string, string>;
  /** Parsed JSON, or form fields. */
  readonly payload: unknown;
  /** The body exactly as received, base64-encoded (bytes need not be UTF-8). */
  readonly rawBodyBase64: string;
  /** Which of the source's secrets verified the signature (its index, never the secret). */
  readonly secretIndex: number;
}

export interface RetryPlan {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  readonly maximumAttempts: number;
  readonly startToCloseMs: number;
  readonly scheduleToCloseMs: number;
}

export interface HandlerActionPlan {
  readonly kind: 'handler';
  /** Unique within the plan; names the action's result record. */
  readonly name: string;
  readonly handler: string;
  readonly retry: RetryPlan;
}

export type ActionPlan = HandlerActionPlan;

/** Decided at ingress from the config then in force, so workflows stay deterministic. */
export interface ProcessingPlan {
  readonly actions: readonly ActionPlan[];
}

export interface ProcessWebhookInput {
  readonly event: WebhookEvent;
  readonly plan: ProcessingPlan;
}

export type EventStatus = 'received' | 'processing' | 'succeeded' | 'failed' | 'ignored';
