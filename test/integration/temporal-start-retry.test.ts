import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../../src/stack/free-port';
import { startTemporalServer } from '../../src/stack/temporal-server';
import { testEnv } from '../harness/test-env';
import { timeWaitPorts } from '../harness/time-wait-ports';

/**
 * Something else listening on the port Temporal is asked for: the dev server exits (1) at once.
 * It hangs up on whoever connects, as a server that is no gRPC endpoint would: a connection it
 * left open would keep grpc-js's shared subchannel to the address from ever reaching Temporal.
 */
function holdPort(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const holder = net.createServer((socket) => socket.destroy());
    holder.once('error', reject);
    holder.listen(port, '127.0.0.1', () => resolve(holder));
  });
}

describe('starting the Temporal dev server when it exits while starting', () => {
  const dir = testEnv('dir');

  test('it is started again, and comes up once the cause is gone', async () => {
    const port = await freePort();
    const dbFile = path.join(dir, `start-retry-${process.pid}.sqlite`);
    const holder = await holdPort(port);
    const lines: string[] = [];
    const server = await startTemporalServer({
      port,
      dbFile,
      logFile: `${dbFile}.log`,
      log: (line) => {
        lines.push(line);
        if (line.includes('starting it again')) holder.close();
      },
    });
    try {
      expect(lines.filter((l) => l.includes('exited (1) while starting'))).toHaveLength(1);
      const connection = await Connection.connect({ address: server.address });
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespaceInfo?.name).toBe('default');
      await connection.close();
    } finally {
      await server.stop();
    }
    // Stopped, its port is held from binds to port 0, for a restart on it (see holdPortNumber).
    if (process.platform === 'linux') expect(timeWaitPorts().has(port)).toBe(true);
  });

  test('a server that keeps exiting fails after three starts, quoting its log', async () => {
    const port = await freePort();
    const dbFile = path.join(dir, `start-retry-fail-${process.pid}.sqlite`);
    const holder = await holdPort(port);
    const lines: string[] = [];
    try {
      const failure = await startTemporalServer({ port, dbFile, logFile: `${dbFile}.log`, log: (l) => lines.push(l) }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).toContain(`Temporal at 127.0.0.1:${port}: gave up, the process exited (1)`);
      expect(failure?.message).toContain('address already in use');
      expect(lines.filter((l) => l.includes('while starting; starting it again'))).toHaveLength(2);
      // Three starts, each of which wrote its reason to the (appended) log.
      expect(readFileSync(`${dbFile}.log`, 'utf8').match(/address already in use/g)).toHaveLength(3);
    } finally {
      holder.close();
    }
  });
});
