import { show } from './compile-filter';
import { readPath } from './read-path';
import type { FilterInput, FilterNode, Literal, RouteFilter, ValueTest } from './route-filter';

/** `refused` says which condition failed and what the event held there, in one line. */
export type FilterVerdict = { readonly matched: true } | { readonly matched: false; readonly reason: string };

/**
 * Match a compiled filter against one delivery. Pure and total: any body, headers and query
 * give a verdict, never an exception, in time linear in the filter times the values it reads.
 */
export function matchFilter(filter: RouteFilter, input: FilterInput): FilterVerdict {
  const reason = refusal(filter.root, input);
  return reason === undefined ? { matched: true } : { matched: false, reason };
}

/** Why the node does not hold, or undefined when it does. */
function refusal(node: FilterNode, input: FilterInput): string | undefined {
  switch (node.kind) {
    case 'field': {
      const values = readPath(input[node.section], node.path);
      if (holds(node.test, values)) return undefined;
      return `${node.at} is ${show(values[0])}, not ${node.test.label}`;
    }
    case 'and':
      for (const child of node.nodes) {
        const reason = refusal(child, input);
        if (reason !== undefined) return reason;
      }
      return undefined;
    case 'or': {
      const reasons: string[] = [];
      for (const child of node.nodes) {
        const reason = refusal(child, input);
        if (reason === undefined) return undefined;
        reasons.push(reason);
      }
      return `none of $or held: ${reasons.join('; ')}`;
    }
    case 'not':
      return refusal(node.node, input) === undefined ? `$not (${describe(node.node)}) held` : undefined;
  }
}

function describe(node: FilterNode): string {
  switch (node.kind) {
    case 'field':
      return `${node.at} ${node.test.label}`;
    case 'and':
      return node.nodes.map(describe).join(' and ');
    case 'or':
      return `any of [${node.nodes.map(describe).join('; ')}]`;
    case 'not':
      return `$not (${describe(node.node)})`;
  }
}

/**
 * Each operator is judged over every value the path reached (an array's elements included): a
 * positive operator holds if one value satisfies it, and `$neq`/`$nin` hold if none equals.
 * Ordering compares numbers with numbers and strings with strings (UTF-16 order, so ISO
 * timestamps compare as times); a value of another type never satisfies it.
 */
function holds(test: ValueTest, values: readonly unknown[]): boolean {
  switch (test.op) {
    case '$eq':
      return values.some((v) => equal(v, test.value));
    case '$neq':
      return !values.some((v) => equal(v, test.value));
    case '$in':
      return values.some((v) => test.values.some((x) => equal(v, x)));
    case '$nin':
      return !values.some((v) => test.values.some((x) => equal(v, x)));
    case '$gt':
      return values.some((v) => typeof v === typeof test.value && (v as number | string) > test.value);
    case '$gte':
      return values.some((v) => typeof v === typeof test.value && (v as number | string) >= test.value);
    case '$lt':
      return values.some((v) => typeof v === typeof test.value && (v as number | string) < test.value);
    case '$lte':
      return values.some((v) => typeof v === typeof test.value && (v as number | string) <= test.value);
    case '$startsWith':
      return values.some((v) => typeof v === 'string' && v.startsWith(test.value));
    case '$endsWith':
      return values.some((v) => typeof v === 'string' && v.endsWith(test.value));
    case '$contains':
      return values.some((v) => typeof v === 'string' && v.includes(test.value));
    case '$regex':
      return values.some((v) => typeof v === 'string' && test.regex.test(v));
    case '$exists':
      return values.length > 0 === test.value;
    case '$and':
      return test.tests.every((t) => holds(t, values));
    case '$or':
      return test.tests.some((t) => holds(t, values));
    case '$not':
      return !holds(test.test, values);
  }
}

/** JSON equality: same type, same members; key order does not matter. */
function equal(a: unknown, b: Literal): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => equal(item, b[i] as Literal));
  }
  const bKeys = Object.keys(b);
  const aObject = a as Record<string, unknown>;
  if (Object.keys(aObject).length !== bKeys.length) return false;
  return bKeys.every((k) => Object.prototype.hasOwnProperty.call(aObject, k) && equal(aObject[k], (b as Record<string, Literal>)[k]));
}
