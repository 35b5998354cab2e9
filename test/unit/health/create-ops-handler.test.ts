import { createOpsHandler } from '../../../src/health/create-ops-handler';

const ops = createOpsHandler({
  readiness: async () => ({ httpStatus: 503, body: { status: 'not_ready', down: ['mongodb'], checks: {} } }),
  metrics: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', text: 'a_total 1\n' }),
});

describe('createOpsHandler({ readiness, metrics })', () => {
  test('/healthz answers 200 {"status":"ok"} without consulting readiness', async () => {
    expect(await ops('/healthz')).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', body: '{"status":"ok"}' });
  });

  test('/readyz answers the report with its status', async () => {
    const answer = await ops('/readyz');
    expect(answer?.status).toBe(503);
    expect(JSON.parse(answer!.body)).toEqual({ status: 'not_ready', down: ['mongodb'], checks: {} });
  });

  test('/metrics answers the exposition text with its content type', async () => {
    expect(await ops('/metrics')).toEqual({ status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'a_total 1\n' });
  });

  test('any other path is not an operations path', async () => {
    expect(await ops('/webhooks/demo')).toBeUndefined();
  });
});
