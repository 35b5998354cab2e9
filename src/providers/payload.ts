import { BadRequestError } from '../errors/http-errors';
import type { Payload, WebhookRequest } from './types';

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Deepest JSON nesting we accept; deeper bodies are refused rather than walked. */
const MAX_JSON_DEPTH = 64;

/**
 * Parse a verified body by its media type. JSON stays JSON; a form becomes an object whose
 * repeated fields are arrays, so nothing the provider sent is dropped.
 */
export function parsePayload(req: WebhookRequest): Payload {
  return parseBody(req.contentType, req.rawBody);
}

/** The same parse from the stored bytes (a claim-checked body is re-read by the worker). */
export function parseBody(contentType: string, rawBody: Buffer): Payload {
  const text = rawBody.toString('utf8');
  if (contentType === FORM_TYPE) return parseForm(text);
  if (contentType === JSON_TYPE || contentType.endsWith('+json')) {
    if (exceedsDepth(text, MAX_JSON_DEPTH)) {
      throw new BadRequestError(`request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    try {
      return JSON.parse(text) as Payload;
    } catch (error) {
      throw new BadRequestError(`request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  throw new BadRequestError(`cannot parse a body of type ${contentType}`);
}

export function parseForm(text: string): Record<string, string | string[]> {
  // A Map, not an object, while collecting: a field named `__proto__` or `constructor` must be
  // an ordinary field, never merged with or replacing built-in properties.
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = fields.get(name);
    if (existing === undefined) fields.set(name, value);
    else if (Array.isArray(existing)) existing.push(value);
    else fields.set(name, [existing, value]);
  }
  return Object.fromEntries(fields);
}

/** Cheap bracket scan so a hostile `[[[[...` body cannot exhaust the parser's stack. */
function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Read a dotted path (`data.object.id`) from a parsed payload; undefined when absent. */
export function readPath(payload: Payload, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A path's value as a non-empty string ID, or undefined (numbers are accepted and stringified). */
export function readString(payload: Payload, path: string): string | undefined {
  const value = readPath(payload, path);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
