/** A delivery as the provider would have made it, rebuilt from its API. */
export interface RecoveredDelivery {
  readonly rawBody: Buffer;
  /** Lower-cased names, as the receiver sees them. */
  readonly headers: Record<string, string>;
  readonly contentType: string;
}

/** One event the provider's API lists, identified the way a delivery of it is. */
export interface ListedEvent {
  /** The ID the provider's `identify` reads from a delivery (stripe: the event ID; github: the delivery GUID). */
  readonly eventId: string;
  /** The delivery to feed into the pipeline; fetched only for events missing here. */
  load(): Promise<RecoveredDelivery>;
  /** Ask the provider to deliver it again (GitHub), instead of feeding it. */
  redeliver?(): Promise<void>;
  /** The receiver answered an attempt of it with a 2xx (GitHub logs each attempt's status). */
  readonly acknowledged?: boolean;
}

/** Pages of the events the provider's API lists since a time. */
export type EventListing = AsyncIterable<readonly ListedEvent[]>;

export type ApiCall = <T>(call: () => Promise<T>) => Promise<T>;
