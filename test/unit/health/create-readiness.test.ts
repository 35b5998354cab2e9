import pino from 'pino';
import { createReadiness } from '../../../src/health/create-readiness';
import type { Phase } from '../../../src/health/readiness-report';

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('createReadiness({ checks, phase, logger, timeoutMs })', () => {
  test('a check that never answers is down with reason timeout, bounded by timeoutMs', async () => {
    const { logger } = memoryLogger();
    const readiness = createReadiness({
      checks: { temporal: () => new Promise(() => undefined), mongodb: async () => 'pong' },
      phase: () => 'running',
      logger,
      timeoutMs: 20,
    });
    expect(await readiness()).toEqual({
      httpStatus: 503,
      body: {
        status: 'not_ready',
        down: ['temporal'],
        checks: { temporal: { status: 'down', reason: 'timeout' }, mongodb: { status: 'up' } },
      },
    });
  });

  test('a check that throws is down with reason error; a gRPC DEADLINE_EXCEEDED counts as a timeout', async () => {
    const { logger } = memoryLogger();
    const readiness = createReadiness({
      checks: {
        temporal: async () => Promise.reject(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 })),
        mongodb: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:27017')),
      },
      phase: () => 'running',
      logger,
    });
    const { body } = await readiness();
    expect(body.checks).toEqual({ temporal: { status: 'down', reason: 'timeout' }, mongodb: { status: 'down', reason: 'error' } });
    // Internal addresses stay in the log, out of a response anyone may fetch.
    expect(JSON.stringify(body)).not.toContain('10.0.0.7');
  });

  test('each check is given the timeout, to bound its own call', async () => {
    const { logger } = memoryLogger();
    const given: number[] = [];
    await createReadiness({ checks: { a: async (ms) => given.push(ms) }, phase: () => 'running', logger, timeoutMs: 1234 })();
    expect(given).toEqual([1234]);
  });

  test('logs a dependency going down once, with the error, and its return once', async () => {
    const { logger, lines } = memoryLogger();
    let up = false;
    const readiness = createReadiness({
      checks: { mongodb: async () => (up ? 'pong' : Promise.reject(new Error('connection refused'))) },
      phase: () => 'running',
      logger,
    });
    await readiness();
    await readiness();
    up = true;
    await readiness();
    await readiness();
    expect(lines.map((l) => [l.msg, l.dependency])).toEqual([
      ['readiness: mongodb is down', 'mongodb'],
      ['readiness: mongodb is back up', 'mongodb'],
    ]);
    expect((lines[0].err as { message: string }).message).toBe('connection refused');
  });

  test('checks nothing unless running', async () => {
    const { logger } = memoryLogger();
    let phase: Phase = 'starting';
    const calls: string[] = [];
    const readiness = createReadiness({ checks: { temporal: async () => calls.push('temporal') }, phase: () => phase, logger });
    expect((await readiness()).body).toEqual({ status: 'starting' });
    phase = 'stopping';
    expect((await readiness()).body).toEqual({ status: 'shutting_down' });
    expect(calls).toEqual([]);
  });
});
