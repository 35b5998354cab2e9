import type { Handler, Handlers } from './types';
import { requireUserModule } from './require-user-module';

/**
 * Load the user's handlers module: `export const handlers = { name: fn }` or a default export
 * of the same shape. Every handler a route names must exist, checked once at worker start.
 */
export function loadHandlers(modulePath: string, required: readonly string[]): Handlers {
  let mod: Record<string, unknown>;
  try {
    mod = requireUserModule(modulePath);
  } catch (error) {
    throw new Error(`cannot load handlers module ${modulePath}: ${(error as Error).message}`);
  }
  const exported = (mod.handlers ?? (mod.default as Record<string, unknown> | undefined)?.handlers ?? mod.default) as
    | Record<string, unknown>
    | undefined;
  if (!exported || typeof exported !== 'object') {
    throw new Error(`handlers module ${modulePath} must export \`handlers\`, an object of functions`);
  }
  const handlers: Record<string, Handler> = {};
  for (const [name, fn] of Object.entries(exported)) {
    if (typeof fn === 'function') handlers[name] = fn as Handler;
  }
  const missing = required.filter((name) => !handlers[name]);
  if (missing.length > 0) {
    throw new Error(`handlers module ${modulePath} has no handler named ${missing.join(', ')} (routes use them)`);
  }
  return handlers;
}
