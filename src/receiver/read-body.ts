import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { BadRequestError, HttpError, PayloadTooLargeError } from '../errors/http-errors';

/**
 * Read the body as bytes, never more than `limit`: a Content-Length over the limit is refused
 * before reading, and a chunked body is cut off as soon as it passes the limit.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  try {
    return await getRawBody(req, { limit, length: declared === undefined ? undefined : Number(declared) });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new PayloadTooLargeError(limit);
    if (type === 'request.aborted') throw new HttpError(400, 'request aborted before the body was complete');
    if (type === 'request.size.invalid') throw new BadRequestError('request body length does not match Content-Length');
    throw new BadRequestError(`cannot read request body: ${(error as Error).message}`);
  }
}
