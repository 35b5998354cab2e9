import type { IncomingMessage } from 'node:http';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors/http-errors';
import { mediaType } from '../receiver/webhook-request';
import { readBody } from '../receiver/read-body';

/** Admin requests are small: a filter, a reason. */
const MAX_BYTES = 64 * 1024;

/** A JSON object body; an empty body is `{}`. Throws 400, 413 or 415. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req, MAX_BYTES);
  if (raw.length === 0) return {};
  const type = mediaType(req.headers['content-type']);
  if (type !== 'application/json') throw new UnsupportedMediaTypeError(req.headers['content-type'], ['application/json']);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BadRequestError(`request body is not valid JSON: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('request body must be a JSON object');
  return body as Record<string, unknown>;
}
