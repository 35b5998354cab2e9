/** The query string of a request URL as a filter reads it: a repeated parameter becomes an array. */
export function queryOf(url: string | undefined): Record<string, string | string[]> {
  const at = url?.indexOf('?') ?? -1;
  if (url === undefined || at < 0) return {};
  // A Map while collecting, so a parameter named `__proto__` stays an ordinary parameter.
  const params = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(url.slice(at + 1).split('#')[0])) {
    const seen = params.get(name);
    params.set(name, seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]);
  }
  return Object.fromEntries(params);
}
