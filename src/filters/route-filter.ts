import type { RE2JS } from 're2js';

/** Where a condition looks: the parsed body, the request headers, or the URL's query string. */
export type FilterSection = 'body' | 'headers' | 'query';

/** What a filter is matched against; built once per delivery (src/filters/filter-input.ts). */
export interface FilterInput {
  readonly body: unknown;
  /** Lower-cased names, as Node gives them, without signature and credential headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** A repeated parameter is an array of its values. */
  readonly query: Readonly<Record<string, string | readonly string[]>>;
}

export type Literal = null | boolean | number | string | readonly Literal[] | { readonly [key: string]: Literal };

/** One operator on the values found at a path; `label` is how a refusal names it. */
export type ValueTest =
  | { readonly op: '$eq' | '$neq'; readonly value: Literal; readonly label: string }
  | { readonly op: '$in' | '$nin'; readonly values: readonly Literal[]; readonly label: string }
  | { readonly op: '$gt' | '$gte' | '$lt' | '$lte'; readonly value: number | string; readonly label: string }
  | { readonly op: '$startsWith' | '$endsWith' | '$contains'; readonly value: string; readonly label: string }
  | { readonly op: '$regex'; readonly regex: RE2JS; readonly label: string }
  | { readonly op: '$exists'; readonly value: boolean; readonly label: string }
  | { readonly op: '$and' | '$or'; readonly tests: readonly ValueTest[]; readonly label: string }
  | { readonly op: '$not'; readonly test: ValueTest; readonly label: string };

/** A compiled route filter: validated once at load, matched per delivery without allocation of regexes. */
export type FilterNode =
  | { readonly kind: 'field'; readonly section: FilterSection; readonly path: readonly string[]; readonly at: string; readonly test: ValueTest }
  | { readonly kind: 'and'; readonly nodes: readonly FilterNode[] }
  | { readonly kind: 'or'; readonly nodes: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly node: FilterNode };

export interface RouteFilter {
  readonly root: FilterNode;
  /** The filter as written in the config, for `hookflow transform` and error messages. */
  readonly source: unknown;
}
