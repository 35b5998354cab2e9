import type { HandlerEvent } from '../handlers/types';

/**
 * What a route's transform returns: the payload its actions get (a forward sends it as `data`),
 * and optionally headers (added to a forward's request, merged over the event's for a handler)
 * and the type the actions see. Plain JSON: it is recorded on the event and travels in
 * Temporal's history to each action.
 */
export interface TransformOutput {
  readonly payload: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly type?: string;
}

/**
 * User code, exported by the handlers module as `export const transforms = { name: fn }`. Given
 * the normalized event; a throw fails the event at once (no retries), the error recorded.
 */
export type Transform = (event: HandlerEvent) => TransformOutput | Promise<TransformOutput>;

export type Transforms = Readonly<Record<string, Transform>>;
