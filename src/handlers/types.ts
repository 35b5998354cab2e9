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
  /** Aborted when Temporal cancels the action (e.g. an operator cancels the event). */
  readonly signal: AbortSignal;
}

/** User code. Returns a JSON-serializable result; throw PermanentError to stop retrying. */
export type Handler = (event: HandlerEvent, context: HandlerContext) => Promise<unknown> | unknown;

export type Handlers = Readonly<Record<string, Handler>>;
