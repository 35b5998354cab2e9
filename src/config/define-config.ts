import type { z } from 'zod';
import type { configSchema } from './schema';

/**
 * What hookflow.config.json holds, as you write it (defaults left out): the type of the file
 * before validation. Its JSON Schema twin is the zod schema in schema.ts.
 */
export type HookflowConfigFile = z.input<typeof configSchema>;

/**
 * Type-check a config written in code (a script that writes hookflow.config.json, a test): it
 * returns its argument unchanged, and the compiler names a misspelled or mistyped field.
 * hookflow itself still validates the file it loads, and names the bad field.
 */
export function defineConfig<const C extends HookflowConfigFile>(config: C): C {
  return config;
}
