import { crc32 } from 'node:zlib';
import type { WebhookRequest } from '../types';
import { queryParam } from './selector';

/**
 * What a signature covers, as ordered parts joined by a separator (Twitch: id, timestamp, body
 * with no separator; Stripe: `{timestamp}.{body}`):
 * `body` the raw bytes as received (never re-encoded), `timestamp` the signed timestamp as sent,
 * `url` the public URL, `method` the HTTP method, `header:NAME`, `query:NAME`, `literal:TEXT`.
 */
export type Part =
  | 'body'
  | 'timestamp'
  | 'url'
  | 'method'
  /** The CRC32 of the raw body in decimal (PayPal's transmission string). */
  | 'crc32'
  | `header:${string}`
  | `query:${string}`
  | `literal:${string}`
  /** A source option's value (PayPal's pinned `webhookId`). */
  | `option:${string}`;

const PART = /^(body|timestamp|url|method|crc32)$|^(header|query|literal|option):.+$/;

export function partProblem(part: string): string | undefined {
  return PART.test(part) ? undefined : `${JSON.stringify(part)} is not body, timestamp, url, method, crc32, header:NAME, query:NAME, literal:TEXT or option:NAME`;
}

export interface ContentInput {
  readonly req: WebhookRequest;
  /** The timestamp text as the sender wrote it, when the scheme has one. */
  readonly timestamp?: string;
  /** Overrides the request URL (a configured public `url`). */
  readonly url?: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

export function signedContent(parts: readonly Part[], separator: string, input: ContentInput): Buffer {
  const out: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0 && separator) out.push(Buffer.from(separator));
    out.push(partBytes(part, input));
  });
  return Buffer.concat(out);
}

function partBytes(part: Part, { req, timestamp, url, options }: ContentInput): Buffer {
  if (part === 'body') return req.rawBody;
  if (part === 'crc32') return Buffer.from(String(crc32(req.rawBody)));
  if (part === 'timestamp') return Buffer.from(timestamp ?? '');
  if (part === 'url') return Buffer.from(url ?? req.url);
  if (part === 'method') return Buffer.from(req.method ?? 'POST');
  const colon = part.indexOf(':');
  const kind = part.slice(0, colon);
  const name = part.slice(colon + 1);
  // Node reads header bytes as latin1; write them back the same way to get the bytes sent.
  if (kind === 'header') return Buffer.from(req.headers[name.toLowerCase()] ?? '', 'latin1');
  if (kind === 'query') return Buffer.from(queryParam(url ?? req.url, name) ?? '');
  if (kind === 'option') return Buffer.from(String(options?.[name] ?? ''));
  return Buffer.from(name);
}
