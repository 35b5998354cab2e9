import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface RawConnection {
  /** Send bytes exactly as given: for requests no HTTP client would send (stalled, partial). */
  write(text: string): void;
  /** The first complete response (Content-Length framed); rejects after `withinMs`. */
  response(withinMs: number): Promise<RawResponse>;
  /** Resolves when the server closes the connection, with ms since connect; rejects after `withinMs`. */
  closed(withinMs: number): Promise<number>;
  destroy(): void;
}

function parse(text: string): RawResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const body = text.slice(end + 4);
  const length = Number(headers['content-length'] ?? 0);
  if (Buffer.byteLength(body) < length) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** A plain TCP connection to the receiver, for clients that misbehave on purpose. */
export async function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.setEncoding('utf8');
  let received = '';
  let isClosed = false;
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined); // a reset after the server cuts us off is expected
  socket.on('close', () => (isClosed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const connectedAt = performance.now();

  // Settle on an event (data or close), never on a sleep; the timer only bounds the wait.
  const until = <T>(what: string, withinMs: number, check: () => T | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined) finish(() => resolve(value));
        else if (isClosed) finish(() => reject(new Error(`connection closed before ${what}; received ${JSON.stringify(received)}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no ${what} within ${withinMs} ms; received ${JSON.stringify(received)}`))),
        withinMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        socket.off('data', attempt);
        socket.off('close', attempt);
        settle();
      };
      socket.on('data', attempt);
      socket.on('close', attempt);
      attempt();
    });

  return {
    write: (text) => void socket.write(text),
    response: (withinMs) => until('response', withinMs, () => parse(received)),
    closed: (withinMs) => until('close', withinMs, () => (isClosed ? performance.now() - connectedAt : undefined)),
    destroy: () => socket.destroy(),
  };
}
