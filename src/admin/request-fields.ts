import { BadRequestError } from '../errors/http-errors';

/**
 * Validators for the fields of admin requests (query strings and JSON bodies alike). Each names
 * the field at fault. Unknown fields are refused: a misspelt filter on a bulk retry must not
 * silently widen it to every event.
 */
export function rejectUnknownFields(input: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestError(`unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected ${allowed.join(', ')}`);
  }
}

/** A string field; query strings repeat a key as an array, which is refused here. */
export function optionalString(input: Record<string, unknown>, field: string, maxLength = 1_000): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestError(`${field} must be a non-empty string`);
  if (value.length > maxLength) throw new BadRequestError(`${field} must be at most ${maxLength} characters`);
  return value;
}

/** A whole number in [1, max]; query strings carry it as text. */
export function parseLimit(
  input: Record<string, unknown>,
  field: string,
  { max, fallback }: { max: number; fallback?: number },
): number {
  const value = input[field];
  if (value === undefined) {
    if (fallback === undefined) throw new BadRequestError(`${field} is required (1 to ${max})`);
    return fallback;
  }
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new BadRequestError(`${field} must be a whole number from 1 to ${max}`);
  }
  return n;
}

export function optionalBoolean(input: Record<string, unknown>, field: string): boolean {
  const value = input[field];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new BadRequestError(`${field} must be true or false`);
  return value;
}

/** The operator's reason for an intervention, recorded on the event. */
export function parseReason(input: Record<string, unknown>, { required }: { required: boolean }): string | undefined {
  const reason = optionalString(input, 'reason');
  if (required && reason === undefined) throw new BadRequestError('reason is required: say why, it is recorded on the event');
  return reason?.trim();
}
