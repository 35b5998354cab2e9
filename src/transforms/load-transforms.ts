import type { Transform, Transforms } from './transform-types';
import { requireUserModule } from '../handlers/require-user-module';

/**
 * The `transforms` export of the user's handlers module (`export const transforms = { name: fn }`,
 * or the same under a default export). Every transform a route names must exist, checked once at
 * worker start, like handlers.
 */
export function loadTransforms(modulePath: string, required: readonly string[]): Transforms {
  if (required.length === 0) return {};
  let mod: Record<string, unknown>;
  try {
    mod = requireUserModule(modulePath);
  } catch (error) {
    throw new Error(`cannot load handlers module ${modulePath}: ${(error as Error).message}`);
  }
  const exported = (mod.transforms ?? (mod.default as Record<string, unknown> | undefined)?.transforms) as Record<string, unknown> | undefined;
  const transforms: Record<string, Transform> = {};
  for (const [name, fn] of Object.entries(exported ?? {})) {
    if (typeof fn === 'function') transforms[name] = fn as Transform;
  }
  const missing = required.filter((name) => !transforms[name]);
  if (missing.length > 0) {
    throw new Error(`handlers module ${modulePath} exports no transform named ${missing.join(', ')} (routes use them): export const transforms = { ... }`);
  }
  return transforms;
}
