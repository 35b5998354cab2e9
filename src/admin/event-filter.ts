import { BadRequestError } from '../errors/http-errors';
import type { EventStatus } from '../types/webhook-event';
import { optionalString } from './request-fields';

export const EVENT_STATUSES: readonly EventStatus[] = [
  'scheduled',
  'held',
  'processing',
  'succeeded',
  'failed',
  'ignored',
  'stale',
  'cancelled',
  'terminated',
];

/** Which events an operator means; every field narrows. */
export interface EventFilter {
  readonly source?: string;
  readonly type?: string;
  /** Any of these. */
  readonly statuses?: readonly EventStatus[];
  /** listedAt (receivedAt, or a replay's replayedAt) at or after this. */
  readonly from?: Date;
  /** listedAt before this. */
  readonly to?: Date;
  /** Leave out replays (`replayOf` set): bulk runs do unless asked (issue #16). */
  readonly excludeReplays?: boolean;
}

export const FILTER_FIELDS = ['source', 'type', 'status', 'from', 'to'] as const;

/**
 * The filter fields of a query string or JSON body. `status` is one status, a comma-separated
 * list, or (in JSON) an array; `from` and `to` are ISO 8601 times. Throws BadRequestError.
 */
export function parseEventFilter(input: Record<string, unknown>): EventFilter {
  const source = optionalString(input, 'source');
  const type = optionalString(input, 'type');
  const statuses = parseStatuses(input.status);
  const from = parseTime(input, 'from');
  const to = parseTime(input, 'to');
  if (from && to && from.getTime() >= to.getTime()) throw new BadRequestError('from must be earlier than to');
  return {
    ...(source === undefined ? {} : { source }),
    ...(type === undefined ? {} : { type }),
    ...(statuses === undefined ? {} : { statuses }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}

function parseStatuses(value: unknown): EventStatus[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string')) {
    throw new BadRequestError(`status must be one of ${EVENT_STATUSES.join(', ')}, or a comma-separated list of them`);
  }
  const statuses = list.map((s: string) => s.trim());
  const bad = statuses.find((s) => !(EVENT_STATUSES as readonly string[]).includes(s));
  if (bad !== undefined) throw new BadRequestError(`unknown status ${JSON.stringify(bad)}; use ${EVENT_STATUSES.join(', ')}`);
  return [...new Set(statuses)] as EventStatus[];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseTime(input: Record<string, unknown>, field: 'from' | 'to'): Date | undefined {
  const value = optionalString(input, field, 64);
  if (value === undefined) return undefined;
  // Date.parse also takes "March 7" and zone-less local times; insist on ISO 8601 with a zone
  // (or a bare date, which is UTC midnight) so the server and the caller mean the same instant.
  const time = ISO_TIME.test(value) ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    throw new BadRequestError(`${field} must be an ISO 8601 time such as 2024-05-01T12:00:00Z, not ${JSON.stringify(value)}`);
  }
  return time;
}
