import net from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it), kept from being handed out again
 * for a minute (see holdPortNumber).
 */
export function freePort(): Promise<number> {
  return listenAndHold(0);
}

/**
 * Keep a port that was just released (a server stopped, to be started again on the same port)
 * from being handed to another process's bind to port 0 for the next minute. Resolves false
 * when something else is already listening there.
 *
 * Linux picks ephemeral ports at random, and the ports tests pick are ephemeral ones: between a
 * pick (or a stop) and the server's own bind, any process's bind to port 0 could be given the
 * same number. The Temporal dev server picks its internal ports that way while it starts, and a
 * conflict on its side is no clean exit: its logger makes a failed listen's "fatal" an error
 * line and the server goes on without the listener (the likeliest reading of a restart that
 * exited (2), a Go panic, in CI). So, as Temporal's own port picker does, one
 * connection is made to the port and closed from the listening side first: that end stays in
 * TIME_WAIT (60 s on Linux), during which the kernel does not give the number to a bind to port
 * 0, while an explicit bind with SO_REUSEADDR (set by Node, Go, PostgreSQL and mongod alike)
 * still succeeds. macOS and Windows allocate ephemeral ports in sequence: there it buys nothing.
 */
export function holdPortNumber(port: number): Promise<boolean> {
  return listenAndHold(port).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') return false;
      throw error;
    },
  );
}

function listenAndHold(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((accepted) => accepted.end()); // the listening side closes first
    server.unref();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const picked = (server.address() as net.AddressInfo).port;
      if (process.platform === 'darwin' || process.platform === 'win32') {
        server.close(() => resolve(picked));
        return;
      }
      const client = net.connect({ port: picked, host: '127.0.0.1' });
      client.on('error', reject);
      client.on('end', () => client.end());
      // Stop listening at once; a client of the stopped server that connected meanwhile was
      // hung up on like ours, and server.close's callback would wait for it to go.
      client.on('close', () => {
        server.close();
        resolve(picked);
      });
    });
  });
}

/** Whether something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
