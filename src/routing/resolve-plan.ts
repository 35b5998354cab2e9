import type { HookflowConfig } from '../config/load-config';
import type { ActionPlan, ProcessingPlan } from '../types/webhook-event';

/** `*` matches everything, `payment_intent.*` a prefix, anything else exactly. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** The actions every route matching this source and type asks for, in config order. */
export function resolvePlan(config: Pick<HookflowConfig, 'routes' | 'retry'>, source: string, type: string): ProcessingPlan {
  const actions: ActionPlan[] = [];
  const names = new Set<string>();
  for (const route of config.routes) {
    if (route.source !== source || !route.events.some((p) => matchesEventType(p, type))) continue;
    for (const action of route.actions) {
      let name = `handler:${action.handler}`;
      for (let n = 2; names.has(name); n++) name = `handler:${action.handler}#${n}`;
      names.add(name);
      actions.push({ kind: 'handler', name, handler: action.handler, retry: { ...config.retry, ...route.retry } });
    }
  }
  return { actions };
}
