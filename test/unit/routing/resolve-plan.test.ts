import { resolveConfig } from '../../../src/config/load-config';
import { resolvePlan } from '../../../src/routing/resolve-plan';

const demo = { provider: 'hmac', secrets: ['s'], signatureHeader: 'X-Sig', idField: 'id' };
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

function config(routes: unknown[]) {
  return resolveConfig(
    {
      sources: { demo },
      destinations: {
        billing: { url: 'http://billing.internal/hooks?token=t', secrets: [secret], timeoutMs: 2_000 },
        crm: { url: 'https://crm.internal/in', secrets: [secret] },
      },
      routes,
    },
    '/x.json',
  );
}

describe('resolvePlan(config, source, type, payload)', () => {
  test('forward actions carry the URL and timeout in force at ingress, never the secret', () => {
    const plan = resolvePlan(
      config([{ source: 'demo', events: ['*'], actions: [{ forward: 'billing' }, { handler: 'audit' }, { forward: 'crm' }] }]),
      'demo',
      'invoice.paid',
      {},
    );
    expect(plan.actions.map(({ retry, ...rest }) => rest)).toEqual([
      { kind: 'forward', name: 'forward:billing', destination: 'billing', url: 'http://billing.internal/hooks?token=t', timeoutMs: 2_000 },
      { kind: 'handler', name: 'handler:audit', handler: 'audit' },
      { kind: 'forward', name: 'forward:crm', destination: 'crm', url: 'https://crm.internal/in', timeoutMs: 10_000 },
    ]);
    expect(JSON.stringify(plan)).not.toContain(secret);
    expect(plan.ordering).toBeUndefined();
  });

  test('orderingKey reads the key from the payload; strings and numbers qualify', () => {
    const routes = [{ source: 'demo', events: ['*'], actions: [{ handler: 'h' }], orderingKey: 'data.object.customer', skipStale: true }];
    const nested = (customer: unknown) => ({ data: { object: { customer } } });
    expect(resolvePlan(config(routes), 'demo', 'x', nested('cus_1')).ordering).toEqual({ key: 'cus_1', skipStale: true });
    expect(resolvePlan(config(routes), 'demo', 'x', nested(42)).ordering).toEqual({ key: '42', skipStale: true });
  });

  test('an event without a usable key is processed unordered', () => {
    const routes = [{ source: 'demo', events: ['*'], actions: [{ handler: 'h' }], orderingKey: 'customer' }];
    for (const payload of [{}, { customer: '' }, { customer: { id: 1 } }, { customer: 'x'.repeat(601) }]) {
      const plan = resolvePlan(config(routes), 'demo', 'x', payload);
      expect(plan.ordering).toBeUndefined();
      expect(plan.actions).toHaveLength(1);
    }
  });

  test('issue #6: a key that cannot name the `order/<source>:<key>` workflow (lone surrogate, over 600 UTF-8 bytes) runs unordered', () => {
    const routes = [{ source: 'demo', events: ['*'], actions: [{ handler: 'h' }], orderingKey: 'customer' }];
    for (const customer of ['cus_\ud800', '\udfffcus', 'ア'.repeat(201), '😀'.repeat(151)]) {
      const plan = resolvePlan(config(routes), 'demo', 'x', { customer });
      expect(plan.ordering).toBeUndefined();
      expect(plan.actions).toHaveLength(1);
    }
  });

  test('the key limit is 600 UTF-8 bytes, so every key under the former 200-character limit is still ordered', () => {
    const routes = [{ source: 'demo', events: ['*'], actions: [{ handler: 'h' }], orderingKey: 'customer' }];
    for (const customer of ['ア'.repeat(200), 'x'.repeat(600), '😀'.repeat(150), 'cus_😀']) {
      expect(resolvePlan(config(routes), 'demo', 'x', { customer }).ordering).toEqual({ key: customer, skipStale: false });
    }
  });

  test('the first matching route with an orderingKey decides the key for the whole event', () => {
    const plan = resolvePlan(
      config([
        { source: 'demo', events: ['invoice.*'], actions: [{ handler: 'a' }] },
        { source: 'demo', events: ['*'], actions: [{ handler: 'b' }], orderingKey: 'account' },
        { source: 'demo', events: ['*'], actions: [{ handler: 'c' }], orderingKey: 'customer' },
      ]),
      'demo',
      'invoice.paid',
      { account: 'acct_1', customer: 'cus_1' },
    );
    expect(plan.actions.map((a) => a.name)).toEqual(['handler:a', 'handler:b', 'handler:c']);
    expect(plan.ordering).toEqual({ key: 'acct_1', skipStale: false });
  });
});
