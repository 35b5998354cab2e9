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
  headers: Record<string, string>;
  payload: unknown;
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
  error?: string;
  startedAt: Date;
  finishedAt?: Date;
}
