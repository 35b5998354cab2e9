import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Requests no HTTP client would send, written byte for byte over TCP: duplicated and oversized
 * headers, bytes Node's own client refuses in a header value, bodies cut short or longer than
 * declared. Used by test/integration/bad-input.test.ts.
 */

/** One header as sent: the value is written as given (a Buffer for raw, non-ASCII bytes). */
export type RawHeader = readonly [name: string, value: string | Buffer];

export type Framing =
  /** Content-Length: the body's length, or `declared` (a lie, larger or smaller). */
  | { readonly kind: 'length'; readonly declared?: number }
  /** Transfer-Encoding: chunked, in chunks of `chunkBytes`. */
  | { readonly kind: 'chunked'; readonly chunkBytes: number }
  /** Neither header: whatever the caller put in `headers`. */
  | { readonly kind: 'none' };

export interface RawRequest {
  readonly method: string;
  /** The request-target as written on the request line: a path and query, or anything else. */
  readonly target: string;
  readonly version: string;
  /** In order, duplicates allowed. `Connection: close` is always added last. */
  readonly headers: readonly RawHeader[];
  readonly body: Buffer;
  readonly framing: Framing;
  /**
   * After writing: `wait` for the server to close; `end` half-closes at once (a client that gives
   * up mid-body); `stall` writes nothing more and waits for the server to cut it off.
   */
  readonly after: 'wait' | 'end' | 'stall';
}

export interface RawResponse {
  readonly status: number;
  readonly body: string;
}

export interface RawOutcome {
  /** Every response received, interim (1xx) ones excluded, in order. */
  readonly responses: readonly RawResponse[];
  /** A socket error (ECONNRESET, EPIPE) seen on the way; the responses before it still count. */
  readonly error?: string;
  /** The server neither answered nor closed within the bound. */
  readonly timedOut: boolean;
  readonly ms: number;
}

export function rawRequest(fields: Partial<RawRequest> & Pick<RawRequest, 'target'>): RawRequest {
  return { method: 'POST', version: 'HTTP/1.1', headers: [], body: Buffer.alloc(0), framing: { kind: 'length' }, after: 'wait', ...fields };
}

/** The request's bytes: request line, headers, framing headers, then the (framed) body. */
export function serialize(req: RawRequest): { head: Buffer; body: Buffer } {
  const lines: Buffer[] = [Buffer.from(`${req.method} ${req.target} ${req.version}\r\n`, 'latin1')];
  const header = (name: string, value: string | Buffer) =>
    lines.push(Buffer.concat([Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'), Buffer.from('\r\n')]));
  for (const [name, value] of req.headers) header(name, value);
  let body = req.body;
  if (req.framing.kind === 'length') header('Content-Length', String(req.framing.declared ?? req.body.length));
  if (req.framing.kind === 'chunked') {
    header('Transfer-Encoding', 'chunked');
    const chunks: Buffer[] = [];
    for (let at = 0; at < req.body.length; at += req.framing.chunkBytes) {
      const chunk = req.body.subarray(at, at + req.framing.chunkBytes);
      chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from('0\r\n\r\n'));
    body = Buffer.concat(chunks);
  }
  header('Connection', 'close');
  lines.push(Buffer.from('\r\n'));
  return { head: Buffer.concat(lines), body };
}

/**
 * Parse what the server wrote: status lines with Content-Length-framed bodies, interim 1xx
 * responses skipped. A response whose body is cut off still counts by its status line.
 */
export function parseResponses(bytes: Buffer): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const status = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1];
    if (!status) break;
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = headers.has('content-length') ? Number(headers.get('content-length')) : undefined;
    const bodyStart = end + 4;
    if (Number(status) < 200) {
      at = bodyStart; // interim responses (100 Continue) have no body
      continue;
    }
    const bodyEnd = length === undefined || headers.has('transfer-encoding') ? bytes.length : Math.min(bytes.length, bodyStart + length);
    out.push({ status: Number(status), body: bytes.subarray(bodyStart, bodyEnd).toString('utf8') });
    at = bodyEnd;
  }
  return out;
}

/** Send one raw request on its own connection and collect every response until the server closes. */
export function sendRaw(url: string, req: RawRequest, withinMs: number): Promise<RawOutcome> {
  const { hostname, port } = new URL(url);
  const { head, body } = serialize(req);
  const started = performance.now();
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let error: string | undefined;
    const socket = net.connect(Number(port), hostname);
    const finish = (timedOut: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ responses: parseResponses(Buffer.concat(received)), error, timedOut, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish(true), withinMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      socket.write(head);
      if (body.length > 0) socket.write(body);
      if (req.after === 'end') socket.end();
    });
  });
}

/** Run `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapPool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (Linux). */
export function residentBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

// ---- Breaking values --------------------------------------------------------------------

/**
 * The same digest with its first byte inverted, written back in the same encoding: right length
 * and alphabet, wrong bytes. Re-encoding (rather than editing one character) matters for base64,
 * where the last character carries unused bits and an edit there may decode to the same bytes.
 */
export function wrongDigest(value: string, encoding: 'hex' | 'base64'): string {
  // base64 digests may be in the URL-safe alphabet (Sanity's), written back in the one they used.
  const pattern = encoding === 'hex' ? /[0-9a-fA-F]{32,}/g : /[A-Za-z0-9+/_-]{20,}={0,2}/g;
  const digests = value.match(pattern);
  if (!digests) throw new Error(`no ${encoding} digest in ${JSON.stringify(value)}`);
  const longest = digests.reduce((a, b) => (b.length > a.length ? b : a));
  const urlSafe = encoding === 'base64' && /[_-]/.test(longest);
  const bytes = Buffer.from(longest, urlSafe ? 'base64url' : encoding);
  bytes[0] ^= 0xff;
  return value.replace(longest, bytes.toString(urlSafe ? 'base64url' : encoding));
}

/** `body` with the byte at `index` changed (XOR 1: never a form or JSON equivalent of the original). */
export function tamperByte(body: Buffer, index: number): Buffer {
  const copy = Buffer.from(body);
  copy[index % copy.length] ^= 0x01;
  return copy;
}

/** `[[[[...]]]]` nested `depth` levels. */
export function deepJson(depth: number, open = '[', close = ']'): Buffer {
  return Buffer.from(open.repeat(depth) + close.repeat(depth));
}

/** Byte sequences that are not UTF-8: a lone continuation byte, an overlong NUL, a surrogate, 0xFF. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0x80]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
];
