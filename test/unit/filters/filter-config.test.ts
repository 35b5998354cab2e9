import { resolveConfig } from '../../../src/config/load-config';
import { resolvePlan } from '../../../src/routing/resolve-plan';

const demo = { provider: 'hmac', secrets: ['s'], signatureHeader: 'X-Sig', idField: 'id' };

function config(routes: unknown[]) {
  return resolveConfig({ sources: { demo, other: demo }, routes }, '/x.json');
}

function configError(filter: unknown): string {
  try {
    config([{ source: 'demo', actions: [{ handler: 'h' }], filter }]);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('route filter config: errors name the bad operator or path', () => {
  test.each([
    [{ body: { 'data.amount': { $gtee: 5 } } }, 'routes.0.filter.body.data.amount.$gtee: unknown operator $gtee; use one of $eq $neq $in $nin $gt $gte $lt $lte $exists $startsWith $endsWith $contains $regex $and $or $not'],
    [{ body: { 'data..amount': 5 } }, 'routes.0.filter.body.data..amount: a dotted path has no empty segment (a.b.c)'],
    [{ payload: { a: 1 } }, 'routes.0.filter.payload: unknown key; a filter holds body, headers, query, $and, $or, $not'],
    [{ body: { a: { $in: 'x' } } }, 'routes.0.filter.body.a.$in: $in expects an array of values'],
    [{ body: { a: { $gte: true } } }, 'routes.0.filter.body.a.$gte: $gte expects a number or a string'],
    [{ body: { a: { $exists: 'yes' } } }, 'routes.0.filter.body.a.$exists: $exists expects true or false'],
    [{ body: { a: { $regex: '(a)\\1' } } }, 'routes.0.filter.body.a.$regex: not an RE2 pattern (no backreferences or lookaround): error parsing regexp: invalid escape sequence: `\\1`'],
    [{ body: { a: { $regex: '(?=x)' } } }, 'routes.0.filter.body.a.$regex: not an RE2 pattern'],
    [{ body: { a: { $gt: 1, b: 2 } } }, 'routes.0.filter.body.a.b: a condition mixes operators and fields'],
    [{ body: { a: {} } }, 'routes.0.filter.body.a: an empty condition'],
    [{ body: { $or: [] } }, 'routes.0.filter.body.$or: $or expects a non-empty array'],
    [{ $and: [{ body: { a: 1 } }, { query: { b: { $startsWith: 1 } } }] }, 'routes.0.filter.$and.1.query.b.$startsWith: $startsWith expects a string'],
    [{ headers: { 'bad header': 'x' } }, 'routes.0.filter.headers.bad header: not a valid header name'],
    [{ body: { a: { $not: { $where: 'x' } } } }, 'routes.0.filter.body.a.$not.$where: unknown operator $where'],
    [[], 'routes.0.filter: a filter is an object'],
  ])('%j', (filter, message) => {
    expect(configError(filter)).toContain(message);
  });

  test('a route name must be a plain name', () => {
    expect(() => config([{ source: 'demo', name: 'a.b', actions: [{ handler: 'h' }] }])).toThrow('routes.0.name');
  });

  test('two routes cannot share a name', () => {
    const route = { source: 'demo', name: 'big', actions: [{ handler: 'h' }] };
    expect(() => config([route, { ...route, name: 'other' }, route])).toThrow('routes.2.name: "big" is already the name of routes.0');
  });
});

describe('resolvePlan(config, source, type, payload, { headers, query }) with filters', () => {
  const routes = [
    { source: 'demo', name: 'big-orders', events: ['order.*'], filter: { body: { amount: { $gte: 1000 } } }, actions: [{ handler: 'big' }] },
    { source: 'demo', events: ['order.paid'], filter: { headers: { 'x-shop': { $in: ['a.example'] } }, query: { env: 'prod' } }, actions: [{ handler: 'shop' }] },
    { source: 'demo', events: ['refund.*'], actions: [{ handler: 'refunds' }] },
    { source: 'other', events: ['*'], actions: [{ handler: 'elsewhere' }] },
  ];

  test('only the routes whose filter holds contribute actions; the others of the source say why they refused', () => {
    const plan = resolvePlan(config(routes), 'demo', 'order.paid', { amount: 500 }, { headers: { 'x-shop': 'a.example' }, query: { env: 'prod' } });
    expect(plan.actions.map((a) => a.name)).toEqual(['handler:shop']);
    expect(plan.refused).toEqual([
      { route: 'big-orders', reason: 'body.amount is 500, not $gte 1000' },
      { route: 'routes.2', reason: 'type "order.paid" matches none of ["refund.*"]' },
    ]);
  });

  test('an event no route takes has no actions and every route of its source in refused', () => {
    const plan = resolvePlan(config(routes), 'demo', 'order.paid', { amount: 5 }, { headers: {}, query: { env: ['dev', 'eu'] } });
    expect(plan.actions).toEqual([]);
    expect(plan.refused).toEqual([
      { route: 'big-orders', reason: 'body.amount is 5, not $gte 1000' },
      { route: 'routes.1', reason: 'headers.x-shop is missing, not $in ["a.example"]' },
      { route: 'routes.2', reason: 'type "order.paid" matches none of ["refund.*"]' },
    ]);
  });

  test('a plan every route of the source took has no refused list', () => {
    const plan = resolvePlan(config(routes), 'other', 'x', {});
    expect(plan).toEqual({ actions: [expect.objectContaining({ name: 'handler:elsewhere' })] });
  });
});
