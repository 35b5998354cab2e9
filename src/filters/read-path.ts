/**
 * Every value a dotted path reaches. Arrays fan out, as in MongoDB queries: `items.sku` reaches
 * the `sku` of every element of `items`, a numeric segment (`items.0.sku`) also picks one
 * element, and a path that ends on an array reaches the array itself and each of its elements,
 * so `{"tags": "vip"}` matches `"tags": ["new", "vip"]`. Only own properties are read, so a
 * path such as `constructor` or `__proto__` finds nothing a payload did not send.
 */
export function readPath(root: unknown, path: readonly string[]): unknown[] {
  const found: unknown[] = [];
  collect(root, path, 0, found);
  return found;
}

function collect(value: unknown, path: readonly string[], i: number, found: unknown[]): void {
  if (value === undefined) return;
  if (i === path.length) {
    found.push(value);
    if (Array.isArray(value)) found.push(...value);
    return;
  }
  const segment = path[i];
  if (Array.isArray(value)) {
    if (/^(0|[1-9]\d*)$/.test(segment) && Number(segment) < value.length) collect(value[Number(segment)], path, i + 1, found);
    for (const item of value) if (item !== null && typeof item === 'object' && !Array.isArray(item)) collect(item, path, i, found);
    return;
  }
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, segment)) {
    collect((value as Record<string, unknown>)[segment], path, i + 1, found);
  }
}
