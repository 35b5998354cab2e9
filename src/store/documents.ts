import type { Binary } from 'mongodb';
import type { ActionStatus, EventStatus } from '../types/webhook-event';

/** One action of an event, embedded in the event document so one write records an attempt. */
export interface ActionRecord {
  kind: 'handler' | 'forward';
  /** The handler's name or the destination's. */
  target: string;
  status: ActionStatus;
  /** Attempts of the current run so far. */
  attempts: number;
  /** The handler's result, or the destination's status and (truncated) response body... */
  result?: unknown;
  /** ...or, when it has keys MongoDB-protocol servers refuse (`a.b`, `$x`), its JSON text. */
  resultJson?: string;
  /** The last attempt's error. */
  error?: string;
  /** A delayed route's action: when it starts (or started). */
  scheduledFor?: Date;
  finishedAt?: Date;
}

/** `events`: one document per event, `_id` = workflow ID (`<source>:<eventId>`). */
export interface EventDocument {
  _id: string;
  source: string;
  provider: string;
  eventId: string;
  type: string;
  occurredAt?: Date;
  /** When the receiver got the request; a replay keeps its original's. */
  receivedAt: Date;
  /** On a replay: when it was made. */
  replayedAt?: Date;
  /**
   * The time lists order and filter by: receivedAt, or a replay's replayedAt, so a replay is
   * listed among the events of when it ran, not of when its original arrived. Absent only on
   * documents recorded before it existed, until ensureIndexes fills it in.
   */
  listedAt?: Date;
  contentType: string;
  /** Request headers minus secrets; `%`, `.` and `$` in names are percent-encoded. */
  headers: Record<string, string>;
  /** The parsed body (JSON, or form fields)... */
  payload?: unknown;
  /** ...or, when it has keys MongoDB-protocol servers refuse (`a.b`, `$x`), its JSON text. */
  payloadJson?: string;
  /** The body exactly as received, for bodies under the claim-check threshold... */
  rawBody?: Binary;
  /** ...otherwise its `_id` in `bodies` (and no payload here: it is parsed from there). */
  bodyId?: string;
  bodyBytes: number;
  secretIndex: number;
  status: EventStatus;
  /** Highest attempt number any action of the current run has reached. */
  attempts: number;
  /** By action name (`handler:<name>`, `forward:<destination>`, `#n` for repeats). */
  actions: Record<string, ActionRecord>;
  /** Set for events of an ordered route: the key they were ordered by. */
  orderingKey?: string;
  /** The routes of the source that did not take the event (its type or their filter), and why. */
  refusedBy?: readonly { readonly route: string; readonly reason: string }[];
  /** The paused destinations and sources this event is held on (`destination-<name>`: true). */
  heldOn?: Record<string, true>;
  /** While `scheduled` (every action delayed): when the first of them starts. */
  scheduledFor?: Date;
  /** By transform name: what the route's transform returned (`outputJson` for unstorable keys). */
  transforms?: Record<string, unknown>;
  /** On a replay: the workflow ID of the event it replays. */
  replayOf?: string;
  /** The operator's last intervention through the admin API, with the reason given. */
  intervention?: { action: 'retry' | 'replay' | 'terminate' | 'cancel'; reason?: string; at: Date };
  lastError?: string;
  /** The actions that failed, comma-separated. */
  failedAction?: string;
  /** The Temporal run these fields describe; writes from any other run are ignored. */
  runId?: string;
  /** When that run started: a straggler of an older run must not reset a newer run's record. */
  runStartedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date;
  /** When the retention policy removed the payload, bodies, headers and actions (src/retention/). */
  purgedAt?: Date;
  /** Set on an event a reconciliation run found missing and started (src/reconcile/). */
  recoveredBy?: 'reconcile';
}

/** `bodies`: claim-checked request bodies, `_id` = SHA-256 of the bytes (hex). */
export interface BodyDocument {
  _id: string;
  rawBody: Binary;
  bytes: number;
  createdAt: Date;
  /** The last time a delivery stored these bytes: the purge keeps a body stored since its cutoff. */
  storedAt?: Date;
}
