import type { HookflowConfig } from '../config/load-config';
import { matchFilter } from '../filters/match-filter';
import type { FilterInput } from '../filters/route-filter';
import { readString } from '../providers/payload';
import type { Payload } from '../providers/types';
import type { ActionPlan, OrderingPlan, ProcessingPlan, RouteRefusal } from '../types/webhook-event';

/** `*` matches everything, `payment_intent.*` a prefix, anything else exactly. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/**
 * An ordering key names a Temporal workflow, `order/<source>:<key>`, which Temporal refuses past
 * 1000 bytes of UTF-8 (with a source name of up to 64, 600 bytes of key fit), and which gRPC
 * cannot carry at all if the key holds a lone surrogate. A longer value is not a key anyone
 * orders by. The limit was 200 UTF-16 units, at most 600 bytes: every key ordered then still is.
 */
export const MAX_ORDERING_KEY_BYTES = 600;

/** A route's name in refusals: its `name`, or its place in the config. */
export function routeLabel(route: HookflowConfig['routes'][number], index: number): string {
  return route.name ?? `routes.${index}`;
}

/**
 * The actions every route matching this source and type, and whose filter the event meets, asks
 * for, in config order, with the retry settings and forward URLs in force now: a config change
 * applies to new events only. The first taken route with an `orderingKey` found in the payload
 * orders the whole event. The routes of this source that did not take it are listed in
 * `refused`, each with why, so an `ignored` event says what kept it out.
 */
export function resolvePlan(
  config: Pick<HookflowConfig, 'routes' | 'retry' | 'destinations'>,
  source: string,
  type: string,
  payload: Payload,
  request: Omit<FilterInput, 'body'> = { headers: {}, query: {} },
): ProcessingPlan {
  const actions: ActionPlan[] = [];
  const names = new Set<string>();
  const unique = (base: string) => {
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}#${n}`;
    names.add(name);
    return name;
  };
  let ordering: OrderingPlan | undefined;
  const refused: RouteRefusal[] = [];
  for (const [index, route] of config.routes.entries()) {
    if (route.source !== source) continue;
    if (!route.events.some((p) => matchesEventType(p, type))) {
      refused.push({ route: routeLabel(route, index), reason: `type ${JSON.stringify(type)} matches none of ${JSON.stringify(route.events)}` });
      continue;
    }
    if (route.filter) {
      const verdict = matchFilter(route.filter, { body: payload, ...request });
      if (!verdict.matched) {
        refused.push({ route: routeLabel(route, index), reason: verdict.reason });
        continue;
      }
    }
    const retry = { ...config.retry, ...route.retry };
    const transform = { ...(route.transform ? { transform: route.transform } : {}), ...(route.delayMs ? { delayMs: route.delayMs } : {}) };
    for (const action of route.actions) {
      if ('handler' in action) {
        actions.push({ kind: 'handler', name: unique(`handler:${action.handler}`), handler: action.handler, retry, ...transform });
      } else {
        // load-config has checked that every forward names a destination.
        const destination = config.destinations.get(action.forward)!;
        actions.push({
          kind: 'forward',
          name: unique(`forward:${action.forward}`),
          destination: action.forward,
          url: destination.url,
          timeoutMs: destination.timeoutMs,
          retry,
          ...transform,
          ...(destination.limits ? { limits: destination.limits } : {}),
        });
      }
    }
    if (!ordering && route.orderingKey) {
      const key = orderingKey(payload, route.orderingKey);
      if (key !== undefined) ordering = { key, skipStale: route.skipStale };
    }
  }
  return { actions, ...(ordering ? { ordering } : {}), ...(refused.length > 0 ? { refused } : {}) };
}

/**
 * The key of `path` in the payload, if it can name a queue workflow. A key that cannot (ill
 * formed, or over MAX_ORDERING_KEY_BYTES) is treated like a missing one: the event is processed
 * unordered, as are all others with that same key. Refusing it instead would leave a correctly
 * signed event unprocessed, and answering 503 would have the provider retry it forever (issue #6).
 */
function orderingKey(payload: Payload, path: string): string | undefined {
  const key = readString(payload, path);
  if (key === undefined || !key.isWellFormed() || Buffer.byteLength(key, 'utf8') > MAX_ORDERING_KEY_BYTES) return undefined;
  return key;
}
