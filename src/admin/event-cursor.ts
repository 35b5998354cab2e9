import { BadRequestError } from '../errors/http-errors';

/** Where a page ended: the last event's listedAt and ID, the two keys of the list order. */
export interface EventCursor {
  readonly listedAt: Date;
  readonly id: string;
}

/** Opaque to clients: base64url of `[listedAtMs, id]`. */
export function encodeCursor({ listedAt, id }: EventCursor): string {
  return Buffer.from(JSON.stringify([listedAt.getTime(), id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): EventCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'number' ||
    !Number.isFinite(parsed[0]) ||
    typeof parsed[1] !== 'string'
  ) {
    throw new BadRequestError('invalid cursor; pass the nextCursor of the previous page unchanged');
  }
  return { listedAt: new Date(parsed[0]), id: parsed[1] };
}
