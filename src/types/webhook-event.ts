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
  /** The body: inline, or (over the claim-check threshold) a reference to its copy in MongoDB. */
  readonly body: EventBody;
  /** Which of the source's secrets verified the signature (its index, never the secret). */
  readonly secretIndex: number;
  /** Set on a replay (`<workflowId>#replay-<n>`): the workflow ID of the event it replays. */
  readonly replayOf?: string;
  /** Set on an event a reconciliation run fetched from the provider's API instead of a delivery. */
  readonly recoveredBy?: 'reconcile';
  /** Set on a replay: the ISO time it was made (receivedAt and occurredAt stay the original's). */
  readonly replayedAt?: string;
}

export interface InlineBody {
  readonly kind: 'inline';
  /** Parsed JSON, or form fields. */
  readonly payload: unknown;
  /** The body exactly as received, base64-encoded (bytes need not be UTF-8). */
  readonly rawBase64: string;
}

/**
 * Claim check: Temporal refuses payloads over about 2 MB, so large bodies are stored in the
 * `bodies` collection before the start and the workflow carries only this reference.
 */
export interface ClaimedBody {
  readonly kind: 'claim';
  /** `_id` in `bodies`: the SHA-256 of the bytes, so storing it twice writes the same thing. */
  readonly id: string;
  readonly bytes: number;
}

export type EventBody = InlineBody | ClaimedBody;

export interface RetryPlan {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  /** 0: no limit; the schedule-to-close timeout bounds the retries. */
  readonly maximumAttempts: number;
  readonly startToCloseMs: number;
  readonly scheduleToCloseMs: number;
  /** An attempt that has not heartbeaten for this long (its worker died) is retried. */
  readonly heartbeatTimeoutMs: number;
}

export interface HandlerActionPlan {
  readonly kind: 'handler';
  /** Unique within the plan (`handler:<name>[#n]`); names the action's record. */
  readonly name: string;
  readonly handler: string;
  readonly retry: RetryPlan;
  /** The route's transform, run once per event before the actions; they get its output. */
  readonly transform?: string;
  /** The route's `delayMs`: the action starts this long after the run began (a workflow timer). */
  readonly delayMs?: number;
}

/**
 * The URL and timeout are fixed at ingress like the rest of the plan; the signing secrets are
 * not, so they never enter Temporal's history: the worker looks them up by destination name.
 */
export interface ForwardActionPlan {
  readonly kind: 'forward';
  /** `forward:<destination>[#n]`. */
  readonly name: string;
  readonly destination: string;
  readonly url: string;
  readonly timeoutMs: number;
  readonly retry: RetryPlan;
  /** The route's transform: the forward sends its payload as `data`, and its headers. */
  readonly transform?: string;
  /** The route's `delayMs`. */
  readonly delayMs?: number;
  /** The destination's limits then in force: the forward runs on its own task queue, under a permit (src/limits/). */
  readonly limits?: DestinationLimits;
}

/** A destination's throughput limits, each across every worker together (src/limits/). */
export interface DestinationLimits {
  /** Forwards started per second (Temporal's task queue rate limit). */
  readonly perSecond?: number;
  /** Forwards in flight at once (permits from the destination's permits workflow). */
  readonly maxConcurrency?: number;
}

export type ActionPlan = HandlerActionPlan | ForwardActionPlan;

export interface OrderingPlan {
  /** The value found at the route's `orderingKey` path. */
  readonly key: string;
  /** Record events older than the newest one processed for this key as `stale`. */
  readonly skipStale: boolean;
}

/** Decided at ingress from the config then in force, so workflows stay deterministic. */
export interface ProcessingPlan {
  readonly actions: readonly ActionPlan[];
  /**
   * On a retry: actions that succeeded in an earlier run and do not run again (a forward is not
   * delivered twice). Their records, results included, are kept as they are; `actions` holds
   * only the others. Replays and deliveries have none: they run everything.
   */
  readonly kept?: readonly string[];
  /** Present when a route orders this event's key and the payload carries one. */
  readonly ordering?: OrderingPlan;
  /** The routes of the event's source that did not take it (type or filter), each with why. */
  readonly refused?: readonly RouteRefusal[];
}

export interface RouteRefusal {
  /** The route's `name`, or `routes.<index>`. */
  readonly route: string;
  /** `type "x" matches none of [...]`, or the filter condition that failed and the value seen. */
  readonly reason: string;
}

export interface ProcessWebhookInput {
  readonly event: WebhookEvent;
  readonly plan: ProcessingPlan;
  /**
   * The receiver wrote the event's record before the start (src/receiver/record-received.ts):
   * `processing` (or `held`), each action pending or held on these paused control keys. The
   * workflow then skips recordEvent.
   */
  readonly recorded?: { readonly paused: readonly string[] };
}

/** `terminated` is written by the admin API: a terminated workflow records nothing itself. */
export type EventStatus = 'scheduled' | 'held' | 'processing' | 'succeeded' | 'failed' | 'ignored' | 'stale' | 'cancelled' | 'terminated';
/** `skipped`: the event was stale, so its actions did not run. */
/** `scheduled`: a delayed route's action, waiting for its time (`scheduledFor`); `held`: its destination is paused. */
export type ActionStatus = 'scheduled' | 'held' | 'pending' | 'retrying' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
