import net from 'node:net';
import { freePort, holdPortNumber } from '../../../src/stack/free-port';
import { timeWaitPorts } from '../../harness/time-wait-ports';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('freePort()', () => {
  test('the port can be listened on explicitly right away', async () => {
    const port = await freePort();
    const server = await listen(port);
    expect((server.address() as net.AddressInfo).port).toBe(port);
    await close(server);
  });

  test('binds to port 0 are not given the pick (on Linux it is held in TIME_WAIT)', async () => {
    const port = await freePort();
    // macOS and Windows hand out ephemeral ports in sequence and need no hold (see freePort).
    if (process.platform === 'linux') expect(timeWaitPorts().has(port)).toBe(true);
    // What the Temporal dev server does for its internal ports while it starts.
    const others = await Promise.all(Array.from({ length: 50 }, () => listen(0)));
    expect(others.map((s) => (s.address() as net.AddressInfo).port)).not.toContain(port);
    await Promise.all(others.map(close));
  });

  test('distinct picks in a row', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
  });

  test('holdPortNumber: a port a stopped server released is held the same way; one in use is not', async () => {
    const port = await freePort();
    const server = await listen(port);
    expect(await holdPortNumber(port)).toBe(false);
    await close(server);
    expect(await holdPortNumber(port)).toBe(true);
    if (process.platform === 'linux') expect(timeWaitPorts().has(port)).toBe(true);
    const again = await listen(port);
    expect((again.address() as net.AddressInfo).port).toBe(port);
    await close(again);
  });
});
