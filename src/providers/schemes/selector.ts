import { sha256Hex } from '../crypto';
import { readString } from '../payload';
import type { Payload, WebhookRequest } from '../types';

/**
 * Where a value comes from, as a preset or a custom source writes it:
 * - `header:x-github-delivery` a header (case-insensitive), `query:validationToken` a URL parameter,
 *   `body:data.id` a dotted path into the parsed body (array items by index: `entry.0.id`),
 *   `literal:ping` a constant;
 * - `hash:body` the SHA-256 of the raw body, `hash:signed` of the signed content: the derived IDs
 *   of providers that send none (README: Derived IDs);
 * - a template joining several: `{body:type}.{body:action}` (empty if any part is missing).
 * A list of selectors is tried in order; the first that yields a non-empty value wins.
 */
export type Selector = string;
export type Pick = Selector | readonly Selector[];

const SIMPLE = /^(header|query|body|literal):(.+)$/;
const HASH = /^hash:(body|signed)$/;
const PART = /\{([a-z]+:[^{}]+)\}/g;

export interface SelectContext {
  readonly req: WebhookRequest;
  readonly payload: Payload;
  /** The bytes the signature covers, for `hash:signed`. */
  readonly signed?: Buffer;
}

/** Why `selector` is unusable, or undefined: checked when a preset or a source's config loads. */
export function selectorProblem(selector: Selector): string | undefined {
  if (selector.includes('{')) {
    const parts = [...selector.matchAll(PART)].map((m) => m[1]);
    if (parts.length === 0) return `template ${JSON.stringify(selector)} has no {kind:path} part`;
    const bad = parts.map(selectorProblem).find(Boolean);
    return bad ?? (selector.replace(PART, '').includes('{') ? `unbalanced braces in ${JSON.stringify(selector)}` : undefined);
  }
  if (SIMPLE.test(selector) || HASH.test(selector)) return undefined;
  return `${JSON.stringify(selector)} is not header:NAME, query:NAME, body:PATH, literal:TEXT, hash:body or hash:signed`;
}

export function pickProblem(pick: Pick): string | undefined {
  const list = typeof pick === 'string' ? [pick] : pick;
  if (list.length === 0) return 'an empty selector list';
  return list.map(selectorProblem).find(Boolean);
}

function queryParam(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get(name) ?? undefined;
}

function selectOne(selector: Selector, ctx: SelectContext): string | undefined {
  if (selector.includes('{')) {
    let missing = false;
    const out = selector.replace(PART, (_all, inner: string) => {
      const value = selectOne(inner, ctx);
      if (value === undefined) missing = true;
      return value ?? '';
    });
    return missing ? undefined : out;
  }
  const hash = HASH.exec(selector);
  if (hash) return sha256Hex(hash[1] === 'signed' && ctx.signed ? ctx.signed : ctx.req.rawBody);
  const match = SIMPLE.exec(selector);
  if (!match) return undefined;
  const [, kind, path] = match;
  let value: string | undefined;
  if (kind === 'header') value = ctx.req.headers[path.toLowerCase()]?.trim();
  else if (kind === 'query') value = queryParam(ctx.req.url, path);
  else if (kind === 'body') value = readString(ctx.payload, path);
  else value = path;
  return value === '' ? undefined : value;
}

/** The first selector of `pick` that yields a non-empty value. */
export function select(pick: Pick, ctx: SelectContext): string | undefined {
  for (const selector of typeof pick === 'string' ? [pick] : pick) {
    const value = selectOne(selector, ctx);
    if (value !== undefined) return value;
  }
  return undefined;
}

export { queryParam };
