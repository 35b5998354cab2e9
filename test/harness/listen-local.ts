import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LocalListener {
  readonly url: string;
  /** Destroys open connections too, so a keep-alive socket never holds the suite open. */
  close(): Promise<void>;
}

/** Listen on a free port of 127.0.0.1 and track connections, for the tests' stand-in servers. */
export async function listenLocal(server: Server): Promise<LocalListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
