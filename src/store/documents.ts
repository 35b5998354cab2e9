import type { Binary } from 'mongodb';
import type { EventStatus } from '../types/webhook-event';

/** `events`: one document per event, `_id` = workflow ID (`<source>:<eventId>`). */
export interface EventDocument {
  _id: string;
  source: string;
  provider: string;
  eventId: string;
  type: string;
  occurredAt?: Date;
  receivedAt: Date;
  contentType: string;
  /** Request headers minus secrets; `%`, `.` and `$` in names are percent-encoded. */
  headers: Record<string, string>;
  /** The parsed body (JSON, or form fields)... */
  payload?: unknown;
  /** ...or, when it has keys MongoDB-protocol servers refuse (`a.b`, `$x`), its JSON text. */
  payloadJson?: string;
  /** The body exactly as received. */
  rawBody: Binary;
  secretIndex: number;
  status: EventStatus;
  /** Highest attempt number any action of the current run has reached. */
  attempts: number;
  actions: string[];
  lastError?: string;
  failedAction?: string;
  runId?: string;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date;
}

/** `results`: one document per action of an event, `_id` = `<workflowId>/<action>`. */
export interface ResultDocument {
  _id: string;
  workflowId: string;
  action: string;
  status: 'running' | 'succeeded' | 'failed';
  attempts: number;
  result?: unknown;
  /** The result as JSON text when it has keys MongoDB-protocol servers refuse. */
  resultJson?: string;
  error?: string;
  startedAt: Date;
  finishedAt?: Date;
}
