/** The JSON the console's API answers (dates as ISO strings), as the pages use it. */

export type EventStatus = 'scheduled' | 'held' | 'processing' | 'succeeded' | 'failed' | 'ignored' | 'stale' | 'cancelled' | 'terminated';

export const EVENT_STATUSES: readonly EventStatus[] = ['scheduled', 'held', 'processing', 'succeeded', 'failed', 'ignored', 'stale', 'cancelled', 'terminated'];

export interface EventSummary {
  id: string;
  source: string;
  eventId: string;
  type: string;
  status: EventStatus;
  receivedAt: string;
  replayedAt?: string;
  listedAt?: string;
  completedAt?: string;
  attempts: number;
  lastError?: string;
  failedAction?: string;
  replayOf?: string;
  intervention?: { action: string; reason?: string; at: string };
}

export interface EventPage {
  events: EventSummary[];
  nextCursor: string | null;
}

export interface ActionRecord {
  kind: 'handler' | 'forward';
  target: string;
  status: string;
  attempts: number;
  result?: unknown;
  error?: string;
  scheduledFor?: string;
  finishedAt?: string;
  /** Each attempt in order (src/admin/attempt-history.ts). */
  attemptHistory?: AttemptView[];
}

export interface AttemptView {
  attempt: number;
  /** `unrecorded`: retried by Temporal without a record of how it ended (a dead worker, a timeout). */
  status: 'failed' | 'timed out' | 'cancelled' | 'succeeded' | 'unrecorded';
  error?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface EventDetail extends EventSummary {
  provider: string;
  occurredAt?: string;
  contentType: string;
  headers: Record<string, string>;
  body: { storage: 'inline' | 'claim-check'; bytes: number; bodyId?: string };
  payload?: unknown;
  actions: Record<string, ActionRecord>;
  runStartedAt?: string;
  createdAt: string;
  updatedAt: string;
  purgedAt?: string;
  heldOn?: Record<string, true>;
  refusedBy?: { route: string; reason: string }[];
}

export interface PendingAction {
  action: string;
  attempt: number;
  state: string;
  lastFailure?: string;
  nextAttemptAt?: string;
}

export interface EventDetails {
  event: EventDetail | null;
  temporal: { status: string; runId: string; startTime: string; closeTime?: string; historyLength: number; failure?: string; pendingActions: PendingAction[] } | null;
  replays: EventSummary[];
  temporalUrl: string;
}

export interface SourceStats {
  name: string;
  provider: string;
  url: string;
  paused: boolean;
  pausedReason?: string;
  deliveries: { accepted: number; duplicate: number; rejected: number; other: number } | null;
  signatureFailures: Record<string, number> | null;
  lastDeliveryAt: string | null;
}

export interface DestinationStats {
  name: string;
  url: string;
  timeoutMs: number;
  status: 'paused' | 'failing' | 'ok';
  paused: boolean;
  pausedReason?: string;
  pausedAt?: string;
  rateLimit?: { perSecond: number };
  maxConcurrency?: number;
  circuitBreaker?: { failures: number; withinMs: number; coolDownMs: number | 'manual' };
  held: number;
  recentFailures: { id: string; type: string; at: string; error?: string }[];
}

export const OUTCOMES = ['succeeded', 'failed', 'in progress', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface RateSeries {
  bucketMinutes: number;
  starts: string[];
  perMinute: Record<Outcome, number[]>;
  totals: Record<Outcome, number>;
}

export interface LatencyPoint {
  at: string;
  p50: number | null;
  p99: number | null;
  count: number;
}

export interface Overview {
  at: string;
  hour: RateSeries;
  day: RateSeries;
  failures: EventSummary[];
  ackLatency: { overall: { p50: number | null; p99: number | null; count: number }; hour: LatencyPoint[]; day: LatencyPoint[] } | null;
  truncated: boolean;
}
