import fc from 'fast-check';
import { compileFilter } from '../../../src/filters/compile-filter';
import { matchFilter } from '../../../src/filters/match-filter';
import type { FilterInput } from '../../../src/filters/route-filter';

const input = (body: unknown, headers: Record<string, string> = {}, query: FilterInput['query'] = {}): FilterInput => ({ body, headers, query });
const verdict = (filter: unknown, event: FilterInput) => matchFilter(compileFilter(filter), event);
const matches = (filter: unknown, event: FilterInput) => verdict(filter, event).matched;

const order = { data: { object: { amount: 1500, currency: 'eur', tags: ['vip', 'new'], lines: [{ sku: 'a-1', qty: 2 }, { sku: 'b-2', qty: 5 }] } } };

describe('matchFilter(filter, input): each operator', () => {
  test.each([
    [{ 'data.object.amount': 1500 }, true],
    [{ 'data.object.amount': { $eq: 1499 } }, false],
    [{ 'data.object.currency': { $neq: 'usd' } }, true],
    [{ 'data.object.currency': { $neq: 'eur' } }, false],
    [{ 'data.object.currency': { $in: ['usd', 'eur'] } }, true],
    [{ 'data.object.currency': { $nin: ['usd', 'eur'] } }, false],
    [{ 'data.object.amount': { $gt: 1500 } }, false],
    [{ 'data.object.amount': { $gte: 1500 } }, true],
    [{ 'data.object.amount': { $lt: 1500 } }, false],
    [{ 'data.object.amount': { $lte: 1500, $gt: 1000 } }, true],
    [{ 'data.object.amount': { $gte: '1000' } }, false], // a number never compares with a string
    [{ 'data.object.currency': { $startsWith: 'eu' } }, true],
    [{ 'data.object.currency': { $endsWith: 'ur' } }, true],
    [{ 'data.object.currency': { $contains: 'x' } }, false],
    [{ 'data.object.currency': { $regex: '^(?i)EUR$' } }, true],
    [{ 'data.object.currency': { $regex: '^u' } }, false],
    [{ 'data.object.refunded': { $exists: false } }, true],
    [{ 'data.object.amount': { $exists: false } }, false],
    [{ 'data.object.amount': { $not: { $lt: 1000 } } }, true],
    [{ 'data.object.amount': { $or: [{ $lt: 10 }, { $gt: 1000 }] } }, true],
    [{ 'data.object.amount': { $and: [{ $gt: 10 }, { $lt: 1000 }] } }, false],
    [{ $or: [{ 'data.object.amount': 1 }, { 'data.object.currency': 'eur' }] }, true],
    [{ $and: [{ 'data.object.amount': 1500 }, { 'data.object.currency': 'usd' }] }, false],
    [{ $not: { 'data.object.currency': 'usd' } }, true],
    [{ 'data.object': { amount: 1500, currency: 'eur', tags: ['vip', 'new'], lines: order.data.object.lines } }, true],
  ])('body %j → %s', (body, expected) => {
    expect(matches({ body }, input(order))).toBe(expected);
  });

  test('arrays match when any element does; a path through an array reaches every element; an index picks one', () => {
    expect(matches({ body: { 'data.object.tags': 'vip' } }, input(order))).toBe(true);
    expect(matches({ body: { 'data.object.tags': ['vip', 'new'] } }, input(order))).toBe(true);
    expect(matches({ body: { 'data.object.tags': { $in: ['gold', 'new'] } } }, input(order))).toBe(true);
    expect(matches({ body: { 'data.object.tags': { $neq: 'vip' } } }, input(order))).toBe(false);
    expect(matches({ body: { 'data.object.tags': { $nin: ['old'] } } }, input(order))).toBe(true);
    expect(matches({ body: { 'data.object.lines.sku': 'b-2' } }, input(order))).toBe(true);
    expect(matches({ body: { 'data.object.lines.qty': { $gt: 4 } } }, input(order))).toBe(true);
    expect(matches({ body: { 'data.object.lines.0.sku': 'b-2' } }, input(order))).toBe(false);
    expect(matches({ body: { 'data.object.lines.1.sku': 'b-2' } }, input(order))).toBe(true);
  });

  test('headers match by lower-case name whatever case the config uses; query parameters repeat as arrays', () => {
    const event = input({}, { 'x-shop-domain': 'a.example' }, { env: ['prod', 'eu'], v: '2' });
    expect(matches({ headers: { 'X-Shop-Domain': { $in: ['a.example', 'b.example'] } } }, event)).toBe(true);
    expect(matches({ headers: { 'x-shop-domain': 'b.example' } }, event)).toBe(false);
    expect(matches({ query: { env: 'eu', v: { $gte: '2' } } }, event)).toBe(true);
    expect(matches({ query: { missing: { $exists: true } } }, event)).toBe(false);
    expect(matches({ headers: { 'x-shop-domain': { $exists: true } } }, event)).toBe(true);
  });

  test('a refusal names the condition that failed and the value found there', () => {
    const filter = { body: { 'data.object.amount': { $gte: 5000 } }, headers: { 'x-shop-domain': { $in: ['b.example'] } } };
    expect(verdict(filter, input(order, { 'x-shop-domain': 'b.example' }))).toEqual({
      matched: false,
      reason: 'body.data.object.amount is 1500, not $gte 5000',
    });
    expect(verdict(filter, input({ data: { object: { amount: 9000 } } }))).toEqual({
      matched: false,
      reason: 'headers.x-shop-domain is missing, not $in ["b.example"]',
    });
    expect(verdict({ $or: [{ body: { a: 1 } }, { query: { b: '2' } }] }, input({ a: 2 }))).toEqual({
      matched: false,
      reason: 'none of $or held: body.a is 2, not $eq 1; query.b is missing, not $eq "2"',
    });
    expect(verdict({ $not: { body: { a: 1 } } }, input({ a: 1 }))).toEqual({ matched: false, reason: '$not (body.a $eq 1) held' });
  });

  test('a path never reaches inherited properties (constructor, __proto__, toString)', () => {
    for (const path of ['constructor', '__proto__', 'toString', 'a.constructor.name']) {
      expect(matches({ body: { [path]: { $exists: true } } }, input({ a: {} }))).toBe(false);
    }
  });

  test('$regex runs in linear time: a catastrophic pattern for a backtracking engine answers at once', () => {
    const filter = compileFilter({ body: { text: { $regex: '^(a+)+$' } } });
    const started = performance.now();
    expect(matchFilter(filter, input({ text: `${'a'.repeat(100_000)}!` })).matched).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

/** JSON values whose object keys are plain names, so they read as literals, not operators. */
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string());
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(name, tie('value'), { maxKeys: 4 })),
})).value;
const condition: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ $eq: json }),
  fc.record({ $neq: json }),
  fc.record({ $in: fc.array(json, { maxLength: 3 }) }),
  fc.record({ $nin: fc.array(json, { maxLength: 3 }) }),
  fc.record({ $gt: fc.oneof(fc.integer(), fc.string()) }),
  fc.record({ $lte: fc.oneof(fc.integer(), fc.string()) }),
  fc.record({ $startsWith: fc.string() }),
  fc.record({ $contains: fc.string() }),
  fc.record({ $regex: fc.constantFrom('^a', 'b$', '(?i)x.*y', '[0-9]+') }),
  fc.record({ $exists: fc.boolean() }),
);
const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('.'));

describe('matchFilter properties (fast-check)', () => {
  test('never throws, whatever the body, headers and query', () => {
    fc.assert(
      fc.property(path, condition, json, fc.dictionary(name, fc.string()), fc.dictionary(name, fc.oneof(fc.string(), fc.array(fc.string()))), (p, c, body, headers, query) => {
        for (const section of ['body', 'headers', 'query'] as const) {
          const result = verdict({ [section]: { [p]: c } }, input(body, headers, query));
          expect(typeof result.matched).toBe('boolean');
        }
      }),
    );
  });

  test('$not, $neq and $nin are the exact negations of the condition, $eq and $in', () => {
    fc.assert(
      fc.property(path, condition, json, json, fc.array(json, { maxLength: 3 }), (p, c, body, value, values) => {
        const event = input(body);
        expect(matches({ body: { [p]: { $not: c } } }, event)).toBe(!matches({ body: { [p]: c } }, event));
        expect(matches({ body: { [p]: { $neq: value } } }, event)).toBe(!matches({ body: { [p]: { $eq: value } } }, event));
        expect(matches({ body: { [p]: { $nin: values } } }, event)).toBe(!matches({ body: { [p]: { $in: values } } }, event));
        expect(matches({ $not: { body: { [p]: c } } }, event)).toBe(!matches({ body: { [p]: c } }, event));
      }),
    );
  });

  test('a value placed at a path matches equality there, alone or as one element of an array', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 4 }), json, fc.array(json, { maxLength: 3 }), (segments, value, others) => {
        fc.pre(!(value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0));
        const body = segments.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
        expect(matches({ body: { [segments.join('.')]: value } }, input(body))).toBe(true);
        const inArray = segments.reduceRight<unknown>((inner, key) => ({ [key]: inner }), [...others, value]);
        expect(matches({ body: { [segments.join('.')]: value } }, input(inArray))).toBe(true);
      }),
    );
  });

  test('$and holds exactly when every part does, $or when one does', () => {
    fc.assert(
      fc.property(path, condition, condition, json, (p, a, b, body) => {
        const event = input(body);
        const one = matches({ body: { [p]: a } }, event);
        const two = matches({ body: { [p]: b } }, event);
        expect(matches({ $and: [{ body: { [p]: a } }, { body: { [p]: b } }] }, event)).toBe(one && two);
        expect(matches({ $or: [{ body: { [p]: a } }, { body: { [p]: b } }] }, event)).toBe(one || two);
      }),
    );
  });

  test('numeric comparisons agree with the numbers', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (x, bound) => {
        const event = input({ n: x });
        expect(matches({ body: { n: { $gt: bound } } }, event)).toBe(x > bound);
        expect(matches({ body: { n: { $gte: bound } } }, event)).toBe(x >= bound);
        expect(matches({ body: { n: { $lt: bound } } }, event)).toBe(x < bound);
        expect(matches({ body: { n: { $lte: bound } } }, event)).toBe(x <= bound);
      }),
    );
  });
});
