import type { HookflowConfig, SourceConfig } from '../config/load-config';
import { matchFilter } from '../filters/match-filter';
import type { FilterInput } from '../filters/route-filter';
import type { HandlerEvent } from '../handlers/types';
import { matchesEventType, routeLabel } from '../routing/resolve-plan';
import { applyTransform } from './apply-transform';
import { TransformError } from './transform-error';
import type { TransformOutput, Transforms } from './transform-types';

export interface RoutePreview {
  readonly route: string;
  /** Whether the route would take the event: its type matches and its filter holds. */
  readonly taken: boolean;
  /** Why it would not (the type, or the filter condition that failed). */
  readonly refused?: string;
  readonly actions: readonly string[];
  readonly transform?: { readonly name: string; readonly output?: TransformOutput; readonly error?: string };
}

export interface PreviewInput {
  readonly source: SourceConfig;
  readonly eventId: string;
  readonly type: string;
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: FilterInput['query'];
  readonly now: Date;
}

/**
 * What `hookflow transform` prints: for each of the given routes, whether the event would be
 * taken (type and filter, as the receiver decides) and what its transform would return. Runs the
 * user's transform in this process; starts and writes nothing.
 */
export async function previewRoutes(
  config: Pick<HookflowConfig, 'routes'>,
  indexes: readonly number[],
  input: PreviewInput,
  transforms: Transforms,
): Promise<RoutePreview[]> {
  const event: HandlerEvent = {
    workflowId: `${input.source.name}:${input.eventId}`,
    source: input.source.name,
    provider: input.source.provider.name,
    id: input.eventId,
    type: input.type,
    receivedAt: input.now,
    headers: input.headers,
    payload: input.payload,
  };
  const previews: RoutePreview[] = [];
  for (const index of indexes) {
    const route = config.routes[index];
    const actions = route.actions.map((action) => ('handler' in action ? `handler:${action.handler}` : `forward:${action.forward}`));
    const base = { route: routeLabel(route, index), actions };
    if (!route.events.some((pattern) => matchesEventType(pattern, input.type))) {
      previews.push({ ...base, taken: false, refused: `type ${JSON.stringify(input.type)} matches none of ${JSON.stringify(route.events)}` });
      continue;
    }
    const verdict = route.filter ? matchFilter(route.filter, { body: input.payload, headers: input.headers, query: input.query }) : { matched: true as const };
    if (!verdict.matched) {
      previews.push({ ...base, taken: false, refused: verdict.reason });
      continue;
    }
    if (!route.transform) {
      previews.push({ ...base, taken: true });
      continue;
    }
    const name = route.transform;
    const fn = transforms[name];
    if (!fn) {
      previews.push({ ...base, taken: true, transform: { name, error: `the handlers module exports no transform named ${name}` } });
      continue;
    }
    try {
      previews.push({ ...base, taken: true, transform: { name, output: await applyTransform(name, fn, event) } });
    } catch (error) {
      if (!(error instanceof TransformError)) throw error;
      previews.push({ ...base, taken: true, transform: { name, error: `transform:${name}: ${error.message}` } });
    }
  }
  return previews;
}
