import { RE2JS } from 're2js';
import { FilterConfigError } from './filter-config-error';
import type { FilterNode, FilterSection, Literal, RouteFilter, ValueTest } from './route-filter';

const SECTIONS: readonly FilterSection[] = ['body', 'headers', 'query'];
const LOGICAL = ['$and', '$or', '$not'];
export const VALUE_OPERATORS = [
  '$eq', '$neq', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists',
  '$startsWith', '$endsWith', '$contains', '$regex', '$and', '$or', '$not',
] as const;
/** A config is small; this only keeps a pathological one from exhausting the stack at load. */
const MAX_DEPTH = 32;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type At = readonly (string | number)[];

/**
 * Compile a route's `filter` once, at load. Throws FilterConfigError naming the path of the bad
 * operator, field or value. Regexes are compiled with RE2 (re2js), whose matching time is linear
 * in the input, so no pattern in a config can hang the receiver (no backtracking, no lookaround,
 * no backreferences: such a pattern is refused here).
 */
export function compileFilter(raw: unknown): RouteFilter {
  return { root: compileTop(raw, [], 0), source: raw };
}

/** `{ body?, headers?, query?, $and?, $or?, $not? }`: every key must hold. */
function compileTop(raw: unknown, at: At, depth: number): FilterNode {
  const entries = objectEntries(raw, at, 'a filter is an object with body, headers, query, $and, $or or $not', depth);
  return all(
    entries.map(([key, value]): FilterNode => {
      if (key === '$and' || key === '$or') return logical(key, value, [...at, key], (item, itemAt) => compileTop(item, itemAt, depth + 1));
      if (key === '$not') return { kind: 'not', node: compileTop(value, [...at, key], depth + 1) };
      if ((SECTIONS as string[]).includes(key)) return compileSection(key as FilterSection, value, [...at, key], depth + 1);
      throw new FilterConfigError([...at, key], `unknown key; a filter holds ${[...SECTIONS, ...LOGICAL].join(', ')}`);
    }),
  );
}

/** `{ "<path>": condition, $and?, $or?, $not? }` within one section. */
function compileSection(section: FilterSection, raw: unknown, at: At, depth: number): FilterNode {
  const entries = objectEntries(raw, at, `${section} conditions are an object of paths (or $and, $or, $not)`, depth);
  return all(
    entries.map(([key, value]): FilterNode => {
      if (key === '$and' || key === '$or') {
        return logical(key, value, [...at, key], (item, itemAt) => compileSection(section, item, itemAt, depth + 1));
      }
      if (key === '$not') return { kind: 'not', node: compileSection(section, value, [...at, key], depth + 1) };
      if (key.startsWith('$')) throw new FilterConfigError([...at, key], `unknown operator here; a path or ${LOGICAL.join(', ')}`);
      const path = fieldPath(section, key, [...at, key]);
      const test = compileCondition(value, [...at, key], depth + 1);
      return { kind: 'field', section, path, at: `${section}.${path.join('.')}`, test };
    }),
  );
}

function fieldPath(section: FilterSection, key: string, at: At): string[] {
  // A header or query parameter name is one name, dots and all; only the body has nested paths.
  if (section === 'headers') {
    if (!HEADER_NAME.test(key)) throw new FilterConfigError(at, 'not a valid header name');
    // Node lower-cases every header name it receives.
    return [key.toLowerCase()];
  }
  if (section === 'query') return [key];
  const segments = key.split('.');
  if (segments.some((s) => s === '')) throw new FilterConfigError(at, 'a dotted path has no empty segment (a.b.c)');
  return segments;
}

/** A literal (equality), or an object whose keys are all operators. */
function compileCondition(raw: unknown, at: At, depth: number): ValueTest {
  if (depth > MAX_DEPTH) throw new FilterConfigError(at, `nested deeper than ${MAX_DEPTH} levels`);
  if (!isPlainObject(raw)) return { op: '$eq', value: literal(raw, at), label: `$eq ${show(raw)}` };
  const keys = Object.keys(raw);
  if (keys.length === 0) throw new FilterConfigError(at, 'an empty condition; write {"$exists": true} to ask for presence');
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length === 0) return { op: '$eq', value: literal(raw, at), label: `$eq ${show(raw)}` };
  if (operators.length !== keys.length) {
    throw new FilterConfigError([...at, keys.find((k) => !k.startsWith('$'))!], 'a condition mixes operators and fields; use dotted paths for nested fields');
  }
  const tests = keys.map((op) => compileOperator(op, raw[op], [...at, op], depth + 1));
  return tests.length === 1 ? tests[0] : { op: '$and', tests, label: tests.map((t) => t.label).join(', ') };
}

function compileOperator(op: string, value: unknown, at: At, depth: number): ValueTest {
  switch (op) {
    case '$eq':
    case '$neq':
      return { op, value: literal(value, at), label: `${op} ${show(value)}` };
    case '$in':
    case '$nin':
      if (!Array.isArray(value)) throw new FilterConfigError(at, `${op} expects an array of values`);
      return { op, values: value.map((v, i) => literal(v, [...at, i])), label: `${op} ${show(value)}` };
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
        throw new FilterConfigError(at, `${op} expects a number or a string`);
      }
      return { op, value, label: `${op} ${show(value)}` };
    case '$startsWith':
    case '$endsWith':
    case '$contains':
      if (typeof value !== 'string') throw new FilterConfigError(at, `${op} expects a string`);
      return { op, value, label: `${op} ${show(value)}` };
    case '$regex':
      return { op, regex: compileRegex(value, at), label: `$regex ${show(value)}` };
    case '$exists':
      if (typeof value !== 'boolean') throw new FilterConfigError(at, '$exists expects true or false');
      return { op, value, label: `$exists ${value}` };
    case '$and':
    case '$or': {
      if (!Array.isArray(value) || value.length === 0) throw new FilterConfigError(at, `${op} expects a non-empty array of conditions`);
      const tests = value.map((item, i) => compileCondition(item, [...at, i], depth + 1));
      return { op, tests, label: `${op} [${tests.map((t) => t.label).join('; ')}]` };
    }
    case '$not': {
      const test = compileCondition(value, at, depth + 1);
      return { op, test, label: `$not (${test.label})` };
    }
    default:
      throw new FilterConfigError(at, `unknown operator ${op}; use one of ${VALUE_OPERATORS.join(' ')}`);
  }
}

function compileRegex(value: unknown, at: At): RE2JS {
  if (typeof value !== 'string') throw new FilterConfigError(at, '$regex expects a pattern string (RE2 syntax; flags inline, as in (?i)abc)');
  try {
    return RE2JS.compile(value);
  } catch (error) {
    throw new FilterConfigError(at, `not an RE2 pattern (no backreferences or lookaround): ${(error as Error).message}`);
  }
}

function logical(op: '$and' | '$or', value: unknown, at: At, compile: (item: unknown, at: At) => FilterNode): FilterNode {
  if (!Array.isArray(value) || value.length === 0) throw new FilterConfigError(at, `${op} expects a non-empty array`);
  const nodes = value.map((item, i) => compile(item, [...at, i]));
  return op === '$and' ? all(nodes) : { kind: 'or', nodes };
}

function all(nodes: FilterNode[]): FilterNode {
  return nodes.length === 1 ? nodes[0] : { kind: 'and', nodes };
}

function objectEntries(raw: unknown, at: At, expected: string, depth: number): [string, unknown][] {
  if (depth > MAX_DEPTH) throw new FilterConfigError(at, `nested deeper than ${MAX_DEPTH} levels`);
  if (!isPlainObject(raw)) throw new FilterConfigError(at, expected);
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new FilterConfigError(at, `empty: ${expected}`);
  return entries;
}

function literal(value: unknown, at: At): Literal {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((v, i) => literal(v, [...at, i]));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v, [...at, k])]));
  throw new FilterConfigError(at, 'not a JSON value');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value as a refusal quotes it: JSON, cut short so a huge literal or payload value stays a line. */
export function show(value: unknown): string {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
