import { readinessReport } from '../../../src/health/readiness-report';

describe('readinessReport(phase, checks)', () => {
  test('running with every dependency up: 200 ready, with each check', () => {
    expect(readinessReport('running', { temporal: { status: 'up' }, mongodb: { status: 'up' } })).toEqual({
      httpStatus: 200,
      body: { status: 'ready', checks: { temporal: { status: 'up' }, mongodb: { status: 'up' } } },
    });
  });

  test('one dependency down: 503 not_ready, naming it', () => {
    const checks = { temporal: { status: 'down', reason: 'timeout' }, mongodb: { status: 'up' } } as const;
    expect(readinessReport('running', checks)).toEqual({
      httpStatus: 503,
      body: { status: 'not_ready', down: ['temporal'], checks },
    });
  });

  test('both down: 503 naming both', () => {
    const checks = { temporal: { status: 'down', reason: 'error' }, mongodb: { status: 'down', reason: 'timeout' } } as const;
    expect(readinessReport('running', checks).body.down).toEqual(['temporal', 'mongodb']);
  });

  test('stopping: 503 shutting_down whatever the dependencies say', () => {
    expect(readinessReport('stopping', { temporal: { status: 'up' } })).toEqual({ httpStatus: 503, body: { status: 'shutting_down' } });
  });

  test('starting: 503 starting', () => {
    expect(readinessReport('starting')).toEqual({ httpStatus: 503, body: { status: 'starting' } });
  });
});
