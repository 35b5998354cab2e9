import type { HookflowConfig } from '../config/load-config';
import { readString } from '../providers/payload';
import type { Payload } from '../providers/types';
import type { ActionPlan, OrderingPlan, ProcessingPlan } from '../types/webhook-event';

/** `*` matches everything, `payment_intent.*` a prefix, anything else exactly. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Ordering keys name a Temporal workflow; a longer value is not a key anyone orders by. */
const MAX_ORDERING_KEY_LENGTH = 200;

/**
 * The actions every route matching this source and type asks for, in config order, with the
 * retry settings and forward URLs in force now: a config change applies to new events only.
 * The first matching route with an `orderingKey` found in the payload orders the whole event.
 */
export function resolvePlan(
  config: Pick<HookflowConfig, 'routes' | 'retry' | 'destinations'>,
  source: string,
  type: string,
  payload: Payload,
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
  for (const route of config.routes) {
    if (route.source !== source || !route.events.some((p) => matchesEventType(p, type))) continue;
    const retry = { ...config.retry, ...route.retry };
    for (const action of route.actions) {
      if ('handler' in action) {
        actions.push({ kind: 'handler', name: unique(`handler:${action.handler}`), handler: action.handler, retry });
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
        });
      }
    }
    if (!ordering && route.orderingKey) {
      const key = readString(payload, route.orderingKey);
      if (key !== undefined && key.length <= MAX_ORDERING_KEY_LENGTH) ordering = { key, skipStale: route.skipStale };
    }
  }
  return ordering ? { actions, ordering } : { actions };
}
