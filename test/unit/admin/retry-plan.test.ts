import { retryPlan } from '../../../src/admin/retry-plan';
import type { ActionRecord } from '../../../src/store/documents';
import type { ActionPlan, ProcessingPlan, RetryPlan } from '../../../src/types/webhook-event';

const retry: RetryPlan = {
  initialIntervalMs: 100,
  backoffCoefficient: 2,
  maximumIntervalMs: 1_000,
  maximumAttempts: 3,
  startToCloseMs: 1_000,
  scheduleToCloseMs: 10_000,
  heartbeatTimeoutMs: 1_000,
};
const handler = (name: string): ActionPlan => ({ kind: 'handler', name: `handler:${name}`, handler: name, retry });
const forward = (name: string): ActionPlan => ({ kind: 'forward', name: `forward:${name}`, destination: name, url: 'http://127.0.0.1:1/x', timeoutMs: 1_000, retry });
const record = (status: ActionRecord['status']): ActionRecord => ({ kind: 'handler', target: 'x', status, attempts: 1 });

describe('retryPlan(plan, records)', () => {
  const plan: ProcessingPlan = { actions: [handler('crm'), forward('ledger'), handler('log')] };

  test('leaves out the actions whose record says succeeded and names them as kept', () => {
    const records = { 'handler:crm': record('failed'), 'forward:ledger': record('succeeded'), 'handler:log': record('succeeded') };
    expect(retryPlan(plan, records)).toEqual({ actions: [handler('crm')], kept: ['forward:ledger', 'handler:log'] });
  });

  test('runs failed, cancelled, pending and retrying actions, and actions with no record (new in the config)', () => {
    const records = { 'handler:crm': record('cancelled'), 'forward:ledger': record('retrying') };
    expect(retryPlan(plan, records)).toBe(plan);
    expect(retryPlan(plan, undefined)).toBe(plan);
  });

  test('when every action succeeded before, nothing is left to run and all are kept', () => {
    const records = Object.fromEntries(plan.actions.map((a) => [a.name, record('succeeded')]));
    expect(retryPlan(plan, records)).toEqual({ actions: [], kept: ['handler:crm', 'forward:ledger', 'handler:log'] });
  });

  test('the ordering of the plan is kept', () => {
    const ordered: ProcessingPlan = { ...plan, ordering: { key: 'cus_1', skipStale: true } };
    expect(retryPlan(ordered, { 'handler:log': record('succeeded') }).ordering).toEqual({ key: 'cus_1', skipStale: true });
  });
});
