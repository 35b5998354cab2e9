/** What a handler receives: the normalized event, as recorded in MongoDB. */
export interface HandlerEvent {
  readonly workflowId: string;
  readonly source: string;
  readonly provider: string;
  readonly id: string;
  readonly type: string;
  readonly occurredAt?: Date;
  readonly receivedAt: Date;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: unknown;
}

export interface HandlerContext {
  /** 1 on the first try, 2 on the first retry, ... */
  readonly attempt: number;
  /** Stable across retries of this action: use it as the idempotency key of your side effect. */
  readonly idempotencyKey: string;
  /** Aborted when Temporal cancels the action (an operator cancels the event, or the worker stops). */
  readonly signal: AbortSignal;
  /**
   * hookflow already heartbeats while a handler runs; call this to attach progress details,
   * which the Temporal UI shows and the next attempt receives as `lastHeartbeatDetails`.
   */
  readonly heartbeat: (details?: unknown) => void;
  /** What the previous attempt last passed to `heartbeat`, so a retry can resume. */
  readonly lastHeartbeatDetails?: unknown;
}

/** User code. Returns a JSON-serializable result; throw PermanentError to stop retrying. */
export type Handler = (event: HandlerEvent, context: HandlerContext) => Promise<unknown> | unknown;

export type Handlers = Readonly<Record<string, Handler>>;
