import { ConfigError } from '../../../src/config/config-error';
import { resolveConfig } from '../../../src/config/load-config';
import { destinationTaskQueue, permitsWorkflowId } from '../../../src/limits/limit-names';
import { limitedTaskQueue } from '../../../src/limits/limited-task-queue';
import { resolvePlan } from '../../../src/routing/resolve-plan';

const demo = { provider: 'hmac', secrets: ['s'], signatureHeader: 'X-Sig', idField: 'id' };
const whsec = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

function withDestination(destination: Record<string, unknown>) {
  return {
    sources: { demo },
    destinations: { crm: { url: 'http://127.0.0.1:9/crm', secrets: [whsec], ...destination } },
    routes: [{ source: 'demo', actions: [{ forward: 'crm' }] }],
  };
}

function configError(json: unknown): string {
  try {
    resolveConfig(json, '/x.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('destination limits (issue #13)', () => {
  test('rateLimit.perSecond and maxConcurrency reach the destination and the forward plan', () => {
    const config = resolveConfig(withDestination({ rateLimit: { perSecond: 2.5 }, maxConcurrency: 3 }), '/x.json');
    expect(config.destinations.get('crm')!.limits).toEqual({ perSecond: 2.5, maxConcurrency: 3 });
    const [action] = resolvePlan(config, 'demo', 'order.paid', {}).actions;
    expect(action).toMatchObject({ kind: 'forward', destination: 'crm', limits: { perSecond: 2.5, maxConcurrency: 3 } });
    expect(limitedTaskQueue(action, 'hookflow')).toBe('hookflow-dest-crm');
  });

  test('either limit alone is a limit; a destination with neither has none and stays on the workflow queue', () => {
    const rateOnly = resolveConfig(withDestination({ rateLimit: { perSecond: 10 } }), '/x.json');
    expect(rateOnly.destinations.get('crm')!.limits).toEqual({ perSecond: 10 });
    const concurrencyOnly = resolveConfig(withDestination({ maxConcurrency: 1 }), '/x.json');
    expect(concurrencyOnly.destinations.get('crm')!.limits).toEqual({ maxConcurrency: 1 });
    const plain = resolveConfig(withDestination({}), '/x.json');
    expect(plain.destinations.get('crm')!.limits).toBeUndefined();
    const [action] = resolvePlan(plain, 'demo', 'order.paid', {}).actions;
    expect(action).not.toHaveProperty('limits');
    expect(limitedTaskQueue(action, 'hookflow')).toBeUndefined();
  });

  test('a bad limit is refused with its field named', () => {
    expect(configError(withDestination({ rateLimit: { perSecond: 0 } }))).toContain('destinations.crm.rateLimit.perSecond');
    expect(configError(withDestination({ rateLimit: { perSecond: -1 } }))).toContain('destinations.crm.rateLimit.perSecond');
    expect(configError(withDestination({ rateLimit: { ratePerSecond: 5 } }))).toContain('destinations.crm.rateLimit');
    expect(configError(withDestination({ rateLimit: {} }))).toContain('destinations.crm.rateLimit.perSecond');
    expect(configError(withDestination({ maxConcurrency: 0 }))).toContain('destinations.crm.maxConcurrency');
    expect(configError(withDestination({ maxConcurrency: 1.5 }))).toContain('destinations.crm.maxConcurrency');
  });

  test('a handler action is never limited', () => {
    const action = { kind: 'handler', name: 'handler:x', handler: 'x', retry: {} } as never;
    expect(limitedTaskQueue(action, 'hookflow')).toBeUndefined();
  });

  test("each deployment's queues and permits workflows are its own, and no event's workflow ID can take a permits workflow's", () => {
    expect(destinationTaskQueue('hookflow', 'crm')).toBe('hookflow-dest-crm');
    expect(permitsWorkflowId('hookflow', 'crm')).toBe('permits/hookflow/crm');
    expect(permitsWorkflowId('staging', 'crm')).not.toBe(permitsWorkflowId('hookflow', 'crm'));
    // Event workflow IDs are `<source>:<eventId>`, and a source name has no `/`.
    expect(configError({ sources: { 'permits/hookflow': demo } })).toContain('sources.permits/hookflow');
  });
});
